import TelegramAuth

/// Keys in the order they were added, so a bounded table can end its oldest entry first. Removing a key from
/// the table leaves its entry here stale (each `add` has its own number, kept beside the key in the table);
/// stale entries are skipped, and dropped once they outnumber the live ones.
struct InsertionOrder {
    private var queue: [(key: String, number: UInt64)] = []
    private var head = 0
    private var last: UInt64 = 0

    /// Appends `key`; returns the number that marks this addition as current.
    mutating func add(_ key: String) -> UInt64 {
        last += 1
        queue.append((key, last))
        return last
    }

    /// The oldest key whose entry `isCurrent` still holds, taken out of the order.
    mutating func takeOldest(_ isCurrent: (String, UInt64) -> Bool) -> String? {
        while head < queue.count {
            let (key, number) = queue[head]
            head += 1
            if isCurrent(key, number) { return key }
        }
        return nil
    }

    /// Drops stale entries when they are more than the `live` ones (amortized: each entry is dropped once).
    mutating func compact(live: Int, _ isCurrent: (String, UInt64) -> Bool) {
        guard queue.count - head > 2 * live + 64 else { return }
        queue = queue[head...].filter { isCurrent($0.key, $0.number) }
        head = 0
    }
}

/// Login flows already redeemed, kept in this process until each expires: at most `capacity`, the oldest
/// forgotten first (a flow expires within minutes, so only a flood of new flows reaches the bound).
final class SpentMarks: Sendable {
    static let defaultCapacity = 100_000
    final class Table {
        var marks: [String: (expiresAt: Int64, number: UInt64)] = [:]
        var order = InsertionOrder()
        func isCurrent(_ key: String, _ number: UInt64) -> Bool { marks[key]?.number == number }
    }
    let table = Locked(Table())
    let capacity: Int

    init(capacity: Int = SpentMarks.defaultCapacity) { self.capacity = max(1, capacity) }

    /// True the first time `id` is spent (or after its mark expired), false while the mark holds.
    func spend(_ id: String, expiresAt: Int64, now: Int64 = SystemClock.unixTime()) -> Bool {
        table.withLock { t in
            if let mark = t.marks[id], mark.expiresAt > now { return false }
            while t.marks.count >= capacity, let oldest = t.order.takeOldest(t.isCurrent) { t.marks[oldest] = nil }
            t.marks[id] = (expiresAt, t.order.add(id))
            t.order.compact(live: t.marks.count, t.isCurrent)
            return true
        }
    }
}
