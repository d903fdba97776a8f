import COpenSSL
import Synchronization

/// Counters of a ``VerifiedSignatureCache``.
public struct CacheStatistics: Sendable, Hashable {
    /// Lookups answered from the cache.
    public var hits: UInt64
    /// Lookups that had to check the signature.
    public var misses: UInt64
    /// Signatures held now.
    public var count: Int
    /// The most signatures held at once; 0 when the cache is off.
    public var capacity: Int
}

/// A bounded, thread-safe set of Ed25519 signatures known to verify, each held as a SHA-256 digest of the
/// public key, the signature and the signed message; when full, the least recently used one makes room.
/// A hit saves only the signature check: everything else is checked afresh on every call.
public final class VerifiedSignatureCache: Sendable {
    /// A SHA-256 digest. Its bits are uniform, so one word feeds the (seeded) hasher.
    struct Key: Hashable {
        var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64
        func hash(into hasher: inout Hasher) { hasher.combine(w0) }
    }

    struct Slot {
        var key: Key
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

        mutating func lookup(_ key: Key) -> Bool {
            guard let i = index[key] else {
                misses &+= 1
                return false
            }
            hits &+= 1
            if i != newest {
                unlink(i)
                pushNewest(i)
            }
            return true
        }

        mutating func insert(_ key: Key) {
            guard capacity > 0, index[key] == nil else { return }
            let i: Int32
            if index.count >= capacity {
                i = oldest
                unlink(i)
                index[slots[Int(i)].key] = nil
                slots[Int(i)] = Slot(key: key, newer: -1, older: -1)
            } else if let reused = free.popLast() {
                i = reused
                slots[Int(i)] = Slot(key: key, newer: -1, older: -1)
            } else {
                i = Int32(slots.count)
                slots.append(Slot(key: key, newer: -1, older: -1))
            }
            index[key] = i
            pushNewest(i)
        }

        mutating func remove(_ key: Key) {
            guard let i = index.removeValue(forKey: key) else { return }
            unlink(i)
            free.append(i)
        }

        /// Keeps the `newCapacity` most recently used signatures, in their order.
        mutating func resize(_ newCapacity: Int) {
            var kept: [Key] = []
            var i = newest
            while i >= 0 && kept.count < newCapacity {
                kept.append(slots[Int(i)].key)
                i = slots[Int(i)].older
            }
            index = [:]
            slots = []
            free = []
            newest = -1
            oldest = -1
            capacity = newCapacity
            for key in kept.reversed() { insert(key) }
        }
    }

    let state: Locked<State>
    /// Read without the lock, so a disabled cache costs nothing, not even the digest.
    let enabledCapacity: Atomic<Int>

    /// - Parameter capacity: the most signatures held; 0 turns the cache off.
    public init(capacity: Int) {
        let c = max(0, capacity)
        state = Locked(State(capacity: c))
        enabledCapacity = Atomic(c)
    }

    /// The most signatures held; 0 when the cache is off.
    public var capacity: Int {
        get { enabledCapacity.load(ordering: .relaxed) }
    }

    /// Changes the capacity, keeping the most recently used signatures. Thread-safe.
    public func setCapacity(_ newCapacity: Int) {
        let c = max(0, newCapacity)
        state.withLock { s in s.resize(c) }
        enabledCapacity.store(c, ordering: .relaxed)
    }

    public var statistics: CacheStatistics {
        state.withLock { s in CacheStatistics(hits: s.hits, misses: s.misses, count: s.index.count, capacity: s.capacity) }
    }

    /// The digest of `publicKey` and `signature` (both fixed-size) followed by `message`.
    static func key(publicKey: [UInt8], signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Key {
        var key = Key(w0: 0, w1: 0, w2: 0, w3: 0)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: publicKey.count + signature.count) { head in
            _ = head.initialize(from: publicKey)
            UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(head)[publicKey.count...]).copyMemory(from: signature)
            withUnsafeMutableBytes(of: &key) { out in
                tg_sha256_pair(
                    head.baseAddress, head.count, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return key
    }

    func contains(_ key: Key) -> Bool { state.withLock { s in s.lookup(key) } }
    func insert(_ key: Key) { state.withLock { s in s.insert(key) } }
    func remove(_ key: Key) { state.withLock { s in s.remove(key) } }
}
