// Lays out linux-gate.so.1 as an ELF32 ET_DYN object in one page: headers, the dynamic symbol
// table with both hash tables and symbol versions, .text, .eh_frame_hdr/.eh_frame, .dynamic and
// section headers (so file/objdump/readelf and the kernel's parse_vdso.c all read it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vdso/vdso_text.h"

namespace gate386::vdso_detail {

inline constexpr const char* kSoname = "linux-gate.so.1";
inline constexpr const char* kVersion25 = "LINUX_2.5";
inline constexpr const char* kVersion26 = "LINUX_2.6";  // parent: LINUX_2.5

// The System V ELF hash (gABI "Hash Table") and the GNU hash (DJB: h = h * 33 + c).
uint32_t elf_sysv_hash(std::string_view name);
uint32_t elf_gnu_hash(std::string_view name);

// Builds the page. Symbols come from `text` (their order in .dynsym follows .gnu.hash buckets).
std::vector<uint8_t> build_elf_page(const TextSection& text, uint32_t entry);

}  // namespace gate386::vdso_detail
