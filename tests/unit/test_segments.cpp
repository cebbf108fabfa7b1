// Segment descriptors and loads (cpu/segments.cpp): fill_ldt()'s encoding, and the protected-mode
// checks of MOV Sreg against the flat selectors, the TLS entries and the LDT (SDM Vol.2B MOV).
#include <doctest.h>

#include "cpu/segments.h"

using namespace gate386;

namespace {
constexpr uint32_t kSeg32 = 1, kReadExecOnly = 1u << 3, kLimitInPages = 1u << 4,
                   kNotPresent = 1u << 5, kUseable = 1u << 6;
constexpr uint32_t kContentsCode = 2u << 1;
}  // namespace

TEST_CASE("a user_desc becomes the descriptor fill_ldt writes") {
    // limit 0xfffff in pages, 32-bit, AVL: access byte 0xf3 (P, DPL 3, S, writable, accessed),
    // flags nibble 0xd (G, D, AVL).
    CHECK(descriptor_from_user_desc(0x12345678, 0xfffff, kSeg32 | kLimitInPages | kUseable) ==
          0x12dff3345678ffffull);
    // Read-only data, not present, byte granular, 16-bit: access byte 0x71.
    CHECK(descriptor_from_user_desc(0xabcd0000, 0x00ff, kReadExecOnly | kNotPresent) == 0xab0071cd000000ffull);
    // Code, readable: type 0xb.
    CHECK((descriptor_from_user_desc(0, 0xffff, kSeg32 | kContentsCode) >> 40 & 0xff) == 0xfb);
}

TEST_CASE("segment loads check the descriptor tables") {
    Cpu c;
    uint32_t base = 1;
    CHECK(check_segment_load(c, kFs, 0, base) == SegmentCheck::kOk);
    CHECK(base == 0);
    CHECK(check_segment_load(c, kSs, 0, base) == SegmentCheck::kGeneralProtection);
    CHECK(check_segment_load(c, kDs, kUserDs, base) == SegmentCheck::kOk);
    CHECK(check_segment_load(c, kDs, kUserDs & ~3, base) == SegmentCheck::kOk);   // RPL 0 ≤ DPL 3
    CHECK(check_segment_load(c, kSs, kUserDs & ~3, base) == SegmentCheck::kGeneralProtection);
    CHECK(check_segment_load(c, kSs, kUserCs, base) == SegmentCheck::kGeneralProtection);
    CHECK(check_segment_load(c, kFs, 0x33, base) == SegmentCheck::kGeneralProtection);   // empty TLS slot
    c.m_tls[0] = TlsDescriptor{0x5000, 0xfffff, true, kSeg32};
    CHECK(check_segment_load(c, kFs, 0x33, base) == SegmentCheck::kOk);
    CHECK(base == 0x5000);
    CHECK(check_segment_load(c, kDs, 0x33, base) == SegmentCheck::kUnsupportedBase);

    // The LDT: TI = 1. Beyond its end is #GP; a not-present entry #NP, or #SS for %ss.
    CHECK(check_segment_load(c, kFs, 0x0f, base) == SegmentCheck::kGeneralProtection);
    c.m_ldt = {descriptor_from_user_desc(0x8000, 0xff, kSeg32),
               descriptor_from_user_desc(0x9000, 0xff, kSeg32 | kNotPresent),
               descriptor_from_user_desc(0, 0xfffff, kSeg32 | kContentsCode | kReadExecOnly),
               0};
    CHECK(check_segment_load(c, kGs, 0x07, base) == SegmentCheck::kOk);
    CHECK(base == 0x8000);
    CHECK(check_segment_load(c, kGs, 0x0f, base) == SegmentCheck::kNotPresent);
    CHECK(check_segment_load(c, kSs, 0x0f, base) == SegmentCheck::kStackFault);
    CHECK(check_segment_load(c, kFs, 0x17, base) == SegmentCheck::kGeneralProtection);   // execute-only code
    CHECK(check_segment_load(c, kFs, 0x1f, base) == SegmentCheck::kGeneralProtection);   // a cleared entry
    CHECK(check_segment_load(c, kFs, 0x27, base) == SegmentCheck::kGeneralProtection);   // beyond the end
}
