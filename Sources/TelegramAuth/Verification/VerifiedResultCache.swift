import COpenSSL
import Synchronization

/// Counters of a ``VerifiedResultCache``.
public struct CacheStatistics: Sendable, Hashable {
    /// Lookups answered from the cache.
    public var hits: UInt64
    /// Lookups that had to verify afresh.
    public var misses: UInt64
    /// Results held now.
    public var count: Int
    /// The most results held at once; 0 when the cache is off.
    public var capacity: Int
}

/// A bounded, thread-safe cache of verified results, keyed by a SHA-256 digest; when full, the least
/// recently used result makes room. The caller re-checks anything that depends on the moment of use
/// (the time window) on every hit: the cache only saves the signature check and the parse.
public final class VerifiedResultCache: Sendable {
    /// A SHA-256 digest. Its bits are uniform, so one word feeds the (seeded) hasher.
    struct Key: Hashable {
        var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64
        func hash(into hasher: inout Hasher) { hasher.combine(w0) }
    }

    struct Slot {
        var key: Key
        var value: InitData?
        var newer: Int32
        var older: Int32
    }

    /// A doubly linked recency list over `slots`, with `index` from key to slot.
    struct State {
        var capacity: Int
        var index: [Key: Int32] = [:]
        var slots: [Slot] = []
        var free: [Int32] = []
        var newest: Int32 = -1
        var oldest: Int32 = -1
        var hits: UInt64 = 0
        var misses: UInt64 = 0

        init(capacity: Int) { self.capacity = capacity }

        mutating func unlink(_ i: Int32) {
            let s = slots[Int(i)]
            if s.newer >= 0 { slots[Int(s.newer)].older = s.older } else { newest = s.older }
            if s.older >= 0 { slots[Int(s.older)].newer = s.newer } else { oldest = s.newer }
        }

        mutating func pushNewest(_ i: Int32) {
            slots[Int(i)].newer = -1
            slots[Int(i)].older = newest
            if newest >= 0 { slots[Int(newest)].newer = i } else { oldest = i }
            newest = i
        }

        mutating func lookup(_ key: Key) -> InitData? {
            guard let i = index[key] else {
                misses &+= 1
                return nil
            }
            hits &+= 1
            if i != newest {
                unlink(i)
                pushNewest(i)
            }
            return slots[Int(i)].value
        }

        mutating func insert(_ key: Key, _ value: InitData) {
            guard capacity > 0 else { return }
            if let i = index[key] {
                slots[Int(i)].value = value
                return
            }
            let i: Int32
            if index.count >= capacity {
                i = oldest
                unlink(i)
                index[slots[Int(i)].key] = nil
                slots[Int(i)] = Slot(key: key, value: value, newer: -1, older: -1)
            } else if let reused = free.popLast() {
                i = reused
                slots[Int(i)] = Slot(key: key, value: value, newer: -1, older: -1)
            } else {
                i = Int32(slots.count)
                slots.append(Slot(key: key, value: value, newer: -1, older: -1))
            }
            index[key] = i
            pushNewest(i)
        }

        mutating func remove(_ key: Key) {
            guard let i = index.removeValue(forKey: key) else { return }
            unlink(i)
            slots[Int(i)].value = nil
            free.append(i)
        }

        /// Keeps the `newCapacity` most recently used results, in their order.
        mutating func resize(_ newCapacity: Int) {
            var kept: [(Key, InitData)] = []
            var i = newest
            while i >= 0 && kept.count < newCapacity {
                if let value = slots[Int(i)].value { kept.append((slots[Int(i)].key, value)) }
                i = slots[Int(i)].older
            }
            index = [:]
            slots = []
            free = []
            newest = -1
            oldest = -1
            capacity = newCapacity
            for (key, value) in kept.reversed() { insert(key, value) }
        }
    }

    let state: Locked<State>
    /// Read without the lock, so a disabled cache costs nothing, not even the digest.
    let enabledCapacity: Atomic<Int>

    /// - Parameter capacity: the most results held; 0 turns the cache off.
    public init(capacity: Int) {
        let c = max(0, capacity)
        state = Locked(State(capacity: c))
        enabledCapacity = Atomic(c)
    }

    /// The most results held; setting it keeps the most recently used ones. 0 turns the cache off.
    public var capacity: Int {
        get { enabledCapacity.load(ordering: .relaxed) }
    }

    /// Changes the capacity, keeping the most recently used results. Thread-safe.
    public func setCapacity(_ newCapacity: Int) {
        let c = max(0, newCapacity)
        state.withLock { s in s.resize(c) }
        enabledCapacity.store(c, ordering: .relaxed)
    }

    public var statistics: CacheStatistics {
        state.withLock { s in CacheStatistics(hits: s.hits, misses: s.misses, count: s.index.count, capacity: s.capacity) }
    }

    static func key(prefix: UnsafeRawBufferPointer, input: UnsafeBufferPointer<UInt8>) -> Key {
        var key = Key(w0: 0, w1: 0, w2: 0, w3: 0)
        withUnsafeMutableBytes(of: &key) { out in
            tg_sha256_pair(
                prefix.baseAddress?.assumingMemoryBound(to: UInt8.self), prefix.count, input.baseAddress, input.count,
                out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return key
    }

    func lookup(_ key: Key) -> InitData? { state.withLock { s in s.lookup(key) } }
    func insert(_ key: Key, _ value: InitData) { state.withLock { s in s.insert(key, value) } }
    func remove(_ key: Key) { state.withLock { s in s.remove(key) } }
}
