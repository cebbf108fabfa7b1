// Fixed-register twins (threading.h): the hot 32-bit register forms instantiated once per register
// combination, with the operand offsets as constants. A plain handler reads its operand offsets
// from the record (a load each) before it can address the register file; a twin addresses it
// directly. The twins exist only as threaded forms: the last record of a block, single steps and
// the debugger run the general handler, which the same record fields drive.
//
// A family describes a handler as a Form: a class with
//     template <typename R> static constexpr Handler fn = handler<..., R>;
// where R is RegsFromRecord for the general form and FixedRegs<...> for a twin (insn.h).
#pragma once
#include <array>
#include <cstddef>
#include <utility>
#include "cpu/threading.h"

namespace gate386 {

template <typename Form, size_t... K>
constexpr std::array<ThreadedForms, sizeof...(K)> two_reg_table(std::index_sequence<K...>) {
    return {kThreadedForms<Form::template fn<FixedRegs<uint8_t(K / 8 * 4), uint8_t(K % 8 * 4)>>>...};
}
template <typename Form, size_t... K>
constexpr std::array<ThreadedForms, sizeof...(K)> one_reg_table(std::index_sequence<K...>) {
    return {kThreadedForms<Form::template fn<FixedRegs<uint8_t(K * 4), 0>>>...};
}
template <typename Form, size_t... K>
constexpr std::array<ThreadedForms, sizeof...(K)> reg_base_table(std::index_sequence<K...>) {
    return {kThreadedForms<Form::template fn<FixedRegs<uint8_t(K / 8 * 4), 0, uint8_t(K % 8)>>>...};
}
template <typename Form> inline constexpr auto kTwoRegTable = two_reg_table<Form>(std::make_index_sequence<64>{});
// The same for fused pairs' handlers (threading.h, kPairForms): specializing them matters as much
// as fusing, since each instance's closing jump then has few successors to predict.
template <typename Form, size_t... K>
constexpr std::array<ThreadedForms, sizeof...(K)> two_reg_pair_table(std::index_sequence<K...>) {
    return {kPairForms<Form::template fn<FixedRegs<uint8_t(K / 8 * 4), uint8_t(K % 8 * 4)>>>...};
}
template <typename Form> inline constexpr auto kTwoRegPairTable = two_reg_pair_table<Form>(std::make_index_sequence<64>{});
template <typename Form> inline constexpr auto kOneRegTable = one_reg_table<Form>(std::make_index_sequence<8>{});
template <typename Form> inline constexpr auto kRegBaseTable = reg_base_table<Form>(std::make_index_sequence<64>{});

// r1 and r2 both registers: 64 twins each.
template <typename... Forms> void register_two_reg_twins() {
    (register_fixed_register_forms(Forms::template fn<RegsFromRecord>, FixedShape::TwoRegs,
                                   kTwoRegTable<Forms>.data()), ...);
}
// r1 a register, no other register operand: 8 twins each.
template <typename... Forms> void register_one_reg_twins() {
    (register_fixed_register_forms(Forms::template fn<RegsFromRecord>, FixedShape::OneReg,
                                   kOneRegTable<Forms>.data()), ...);
}
// r1 a register and a base+displacement memory operand (stack slots and structure fields, where
// i386 code keeps what does not fit in its registers): 64 twins each.
template <typename... Forms> void register_reg_base_twins() {
    (register_fixed_register_forms(Forms::template fn<RegsFromRecord>, FixedShape::RegAndBase,
                                   kRegBaseTable<Forms>.data()), ...);
}

}  // namespace gate386
