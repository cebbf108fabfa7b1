#include "cpu/block_cache.h"

#include "core/guest_memory.h"
#include "cpu/decoder.h"

namespace gate386 {

BlockCache::~BlockCache() {
    for (auto& [eip, b] : m_map) free_block(b);
}

void BlockCache::insert(DecodedBlock* b) {
    b->epoch = m_epoch;
    m_map[b->entry] = b;
    m_fast[slot(b->entry)] = b;
    m_decoded++;
    uint32_t last = b->end > b->entry ? b->end - 1 : b->entry;
    for (uint64_t p = page_down(b->entry); p <= page_down(last); p += kPageSize) {
        m_page_blocks[static_cast<uint32_t>(p)].push_back(b->entry);
        m_mem.protect_code_page(static_cast<uint32_t>(p));
    }
}

void BlockCache::remove(DecodedBlock* b) {
    if (m_fast[slot(b->entry)] == b) m_fast[slot(b->entry)] = nullptr;
    m_map.erase(b->entry);
    free_block(b);
    m_invalidated++;
}

void BlockCache::invalidate_page(uint32_t page) {
    auto it = m_page_blocks.find(page);
    if (it == m_page_blocks.end()) return;
    std::vector<uint32_t> entries = std::move(it->second);
    m_page_blocks.erase(it);
    for (uint32_t e : entries) {
        auto b = m_map.find(e);
        if (b != m_map.end()) remove(b->second);
    }
    // Successor links anywhere may point at freed blocks: a new epoch makes them all stale.
    m_epoch++;
}

void BlockCache::invalidate_all() {
    for (auto& [eip, b] : m_map) free_block(b);
    m_map.clear();
    m_page_blocks.clear();
    std::fill(m_fast.begin(), m_fast.end(), nullptr);
    m_epoch++;
}

}  // namespace gate386
