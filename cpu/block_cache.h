// Decoded blocks keyed by entry EIP, with a direct-mapped front table and per-page lists for
// invalidation when guest code is written (self-modifying code) or unmapped.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>
#include "cpu/insn.h"

namespace gate386 {

class GuestMemory;

class BlockCache {
public:
    explicit BlockCache(GuestMemory& mem) : m_mem(mem), m_fast(kFastSize, nullptr) {}
    ~BlockCache();
    BlockCache(const BlockCache&) = delete;
    BlockCache& operator=(const BlockCache&) = delete;

    DecodedBlock* find(uint32_t eip) {
        DecodedBlock* b = m_fast[slot(eip)];
        if (b && b->entry == eip) return b;
        auto it = m_map.find(eip);
        if (it == m_map.end()) return nullptr;
        m_fast[slot(eip)] = it->second;
        return it->second;
    }
    // Takes ownership; write-protects the pages the block was decoded from.
    void insert(DecodedBlock* b);
    void invalidate_page(uint32_t page);
    void invalidate_all();
    uint32_t epoch() const { return m_epoch; }
    const uint32_t* epoch_address() const { return &m_epoch; }   // read by chained block exits
    uint64_t blocks_decoded() const { return m_decoded; }
    uint64_t invalidations() const { return m_invalidated; }

private:
    static constexpr size_t kFastSize = 1 << 16;
    static size_t slot(uint32_t eip) { return (eip ^ (eip >> 16)) & (kFastSize - 1); }
    void remove(DecodedBlock* b);
    GuestMemory& m_mem;
    std::vector<DecodedBlock*> m_fast;
    std::unordered_map<uint32_t, DecodedBlock*> m_map;
    std::unordered_map<uint32_t, std::vector<uint32_t>> m_page_blocks;   // page → entry EIPs
    uint32_t m_epoch = 1;
    uint64_t m_decoded = 0, m_invalidated = 0;
};

}  // namespace gate386
