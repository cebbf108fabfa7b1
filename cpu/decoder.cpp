// Zydis 4 in legacy 32-bit mode → InsnDesc → family selector → compact Insn records.
// This is the only file that includes Zydis' decoder (ARCHITECTURE.md, hot path 1).
#include "cpu/ea_forms.h"
#include "cpu/threading.h"
#include "cpu/decoder.h"

#include <Zydis/Zydis.h>
#include <csignal>
#include <cstdlib>
#include <sys/mman.h>
#include <vector>

#include "core/guest_memory.h"
#include "cpu/exceptions.h"
#include "cpu/flag_liveness.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

constexpr unsigned kMaxBlockInsns = 128;

const ZydisDecoder& zydis() {
    static ZydisDecoder dec = [] {
        ZydisDecoder d;
        ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
        return d;
    }();
    return dec;
}

Mn map_mnemonic(ZydisMnemonic m) {
    switch (m) {
#define GATE386_MN_CASE(n) case ZYDIS_MNEMONIC_##n: return Mn::n;
        GATE386_MNEMONICS(GATE386_MN_CASE)
#undef GATE386_MN_CASE
    // None of the emulated CPUs has BMI1/ABM: there F3 0F BC/BD are BSF/BSR with an ignored REP
    // prefix (SDM Vol.2B TZCNT: "on processors that do not support TZCNT, executes as BSF").
    case ZYDIS_MNEMONIC_TZCNT: return Mn::BSF;
    case ZYDIS_MNEMONIC_LZCNT: return Mn::BSR;
    default: return Mn::Count;
    }
}

uint8_t gpr_offset(ZydisRegister r, RegClass& cls, uint8_t& id) {
    id = static_cast<uint8_t>(ZydisRegisterGetId(r));
    switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR8: cls = RegClass::Gpr8; return id < 4 ? id * 4 : (id - 4) * 4 + 1;
    case ZYDIS_REGCLASS_GPR16: cls = RegClass::Gpr16; return id * 4;
    case ZYDIS_REGCLASS_GPR32: cls = RegClass::Gpr32; return id * 4;
    case ZYDIS_REGCLASS_SEGMENT: cls = RegClass::Seg; return 0;
    case ZYDIS_REGCLASS_X87: cls = RegClass::X87; return 0;
    case ZYDIS_REGCLASS_MMX: cls = RegClass::Mmx; return 0;
    case ZYDIS_REGCLASS_XMM: cls = RegClass::Xmm; return 0;
    default: cls = RegClass::Other; return 0;
    }
}

uint8_t address_reg(ZydisRegister r) {
    if (r == ZYDIS_REGISTER_NONE) return kZeroReg;
    return static_cast<uint8_t>(ZydisRegisterGetId(r));
}

void describe(const ZydisDecodedInstruction& zi, const ZydisDecodedOperand* zo, uint32_t eip,
              InsnDesc& d) {
    d.mn = map_mnemonic(zi.mnemonic);
    d.eip = eip;
    d.len = zi.length;
    d.opsize = zi.operand_width;
    d.addrsize = zi.address_width;
    d.lock = zi.attributes & ZYDIS_ATTRIB_HAS_LOCK;
    d.rep = zi.attributes & ZYDIS_ATTRIB_HAS_REP;
    d.repe = zi.attributes & ZYDIS_ATTRIB_HAS_REPE;
    d.repne = zi.attributes & ZYDIS_ATTRIB_HAS_REPNE;
    d.opcode = zi.opcode;
    d.opcode_map = static_cast<uint8_t>(zi.opcode_map);
    d.modrm_reg = zi.raw.modrm.reg;
    d.nops = 0;
    for (unsigned k = 0; k < zi.operand_count_visible && d.nops < 4; k++) {
        const ZydisDecodedOperand& o = zo[k];
        OperandDesc& od = d.ops[d.nops++];
        od = OperandDesc{};
        od.bits = o.size;
        switch (o.type) {
        case ZYDIS_OPERAND_TYPE_REGISTER:
            od.kind = OperandDesc::Kind::Reg;
            od.reg_offset = gpr_offset(o.reg.value, od.rclass, od.reg);
            break;
        case ZYDIS_OPERAND_TYPE_MEMORY:
            od.kind = OperandDesc::Kind::Mem;
            od.base = address_reg(o.mem.base);
            od.index = address_reg(o.mem.index);
            od.scale = o.mem.scale == 8 ? 3 : o.mem.scale == 4 ? 2 : o.mem.scale == 2 ? 1 : 0;
            od.disp = static_cast<uint32_t>(o.mem.disp.value);
            od.addr16 = zi.address_width == 16;
            // Linux gives ds, es, ss and cs base 0; only %fs and %gs carry a TLS base.
            od.seg = o.mem.segment == ZYDIS_REGISTER_FS ? kSegFs
                   : o.mem.segment == ZYDIS_REGISTER_GS ? kSegGs : kSegFlat;
            break;
        case ZYDIS_OPERAND_TYPE_IMMEDIATE:
            od.kind = OperandDesc::Kind::Imm;
            od.imm_relative = o.imm.is_relative;
            if (o.imm.is_relative) {
                uint32_t target = eip + zi.length + static_cast<uint32_t>(o.imm.value.u);
                od.imm = zi.operand_width == 16 ? (target & 0xffff) : target;
            } else {
                od.imm = static_cast<uint32_t>(o.imm.value.u);
            }
            break;
        case ZYDIS_OPERAND_TYPE_POINTER:
            od.kind = OperandDesc::Kind::Ptr;
            od.imm = o.ptr.offset;
            od.ptr_seg = o.ptr.segment;
            break;
        default: break;
        }
    }
}

// Mnemonics after which the block ends: they change EIP or leave the CPU.
bool ends_block(Mn m) {
    switch (m) {
    case Mn::JMP: case Mn::JB: case Mn::JBE: case Mn::JCXZ: case Mn::JECXZ: case Mn::JL:
    case Mn::JLE: case Mn::JNB: case Mn::JNBE: case Mn::JNL: case Mn::JNLE: case Mn::JNO:
    case Mn::JNP: case Mn::JNS: case Mn::JNZ: case Mn::JO: case Mn::JP: case Mn::JS: case Mn::JZ:
    case Mn::CALL: case Mn::RET: case Mn::INT: case Mn::INT1: case Mn::INT3: case Mn::INTO:
    case Mn::SYSENTER: case Mn::SYSCALL: case Mn::SYSEXIT: case Mn::IRETD: case Mn::LOOP:
    case Mn::LOOPE: case Mn::LOOPNE: case Mn::HLT: case Mn::UD0: case Mn::UD1: case Mn::UD2:
    case Mn::POPF: case Mn::POPFD:   // may set TF: single-stepping starts at the next instruction
        return true;
    default: return false;
    }
}

// The extensions an instruction needs (IsaFeature bits; 0: every i686 executes it), from Zydis'
// ISA set and extension. Extensions newer than any modelled chip (SSE3, SSSE3, SSE4, AVX, POPCNT,
// MOVBE, ...) need kIsaNever.
uint32_t isa_required(const ZydisDecodedInstruction& zi) {
    // F3 0F BC/BD run as BSF/BSR on chips without BMI1/ABM (map_mnemonic).
    if (zi.mnemonic == ZYDIS_MNEMONIC_TZCNT || zi.mnemonic == ZYDIS_MNEMONIC_LZCNT) return 0;
    switch (zi.meta.isa_ext) {
    case ZYDIS_ISA_EXT_BASE: case ZYDIS_ISA_EXT_X87: case ZYDIS_ISA_EXT_MMX: case ZYDIS_ISA_EXT_SSE:
    case ZYDIS_ISA_EXT_SSE2: case ZYDIS_ISA_EXT_AMD3DNOW: case ZYDIS_ISA_EXT_AMD3DNOW_PREFETCH:
    case ZYDIS_ISA_EXT_CLFSH: case ZYDIS_ISA_EXT_PAUSE: case ZYDIS_ISA_EXT_CET:
        break;
    default: return kIsaNever;
    }
    switch (zi.meta.isa_set) {
    case ZYDIS_ISA_SET_CMOV: return kIsaCmov;
    case ZYDIS_ISA_SET_FCMOV: return kIsaX87 | kIsaCmov;
    case ZYDIS_ISA_SET_X87: return kIsaX87;
    case ZYDIS_ISA_SET_FXSAVE: return kIsaFxsr;
    case ZYDIS_ISA_SET_SSE: case ZYDIS_ISA_SET_SSEMXCSR: return kIsaSse;
    case ZYDIS_ISA_SET_SSE2: case ZYDIS_ISA_SET_SSE2MMX: return kIsaSse2;
    case ZYDIS_ISA_SET_CLFSH: return kIsaClflush;
    case ZYDIS_ISA_SET_AMD3DNOW: case ZYDIS_ISA_SET_PREFETCH_NOP: return kIsa3dnow;
    case ZYDIS_ISA_SET_PENTIUMMMX:
        // Zydis files the integer SSE additions on MMX registers under MMX; the chips have them
        // with SSE (Intel) or as AMD's MMX extensions (K7).
        switch (zi.mnemonic) {
        case ZYDIS_MNEMONIC_PSHUFW: case ZYDIS_MNEMONIC_PMINUB: case ZYDIS_MNEMONIC_PMAXUB:
        case ZYDIS_MNEMONIC_PMINSW: case ZYDIS_MNEMONIC_PMAXSW: case ZYDIS_MNEMONIC_PAVGB:
        case ZYDIS_MNEMONIC_PAVGW: case ZYDIS_MNEMONIC_PMULHUW: case ZYDIS_MNEMONIC_PSADBW:
        case ZYDIS_MNEMONIC_PEXTRW: case ZYDIS_MNEMONIC_PINSRW: case ZYDIS_MNEMONIC_PMOVMSKB:
        case ZYDIS_MNEMONIC_MASKMOVQ: case ZYDIS_MNEMONIC_MOVNTQ:
            return kIsaSse | kIsaMmxExt;   // either suffices (isa_allowed)
        default: return kIsaMmx;
        }
    case ZYDIS_ISA_SET_SSE_PREFETCH: return kIsaSse | kIsaMmxExt;
    case ZYDIS_ISA_SET_PENTIUMREAL:
        if (zi.mnemonic == ZYDIS_MNEMONIC_RDTSC) return kIsaTsc;
        if (zi.mnemonic == ZYDIS_MNEMONIC_CMPXCHG8B) return kIsaCx8;
        return 0;
    case ZYDIS_ISA_SET_PPRO: return zi.mnemonic == ZYDIS_MNEMONIC_SYSENTER ? uint32_t(kIsaSep) : 0u;
    default: break;
    }
    if (zi.mnemonic == ZYDIS_MNEMONIC_SFENCE) return kIsaSse | kIsaMmxExt;
    return 0;
}

bool isa_allowed(uint32_t need, uint32_t have) {
    if (need == 0) return true;
    // Alternatives: SSE or AMD's MMX extensions.
    if (need == (kIsaSse | kIsaMmxExt)) return (have & need) != 0;
    return (have & need) == need;
}

// The cost class of an instruction (cpu/models/README.md lists the mapping).
InsnClass insn_class(const ZydisDecodedInstruction& zi) {
    switch (zi.mnemonic) {
    case ZYDIS_MNEMONIC_MUL: case ZYDIS_MNEMONIC_IMUL: return InsnClass::Mul;
    case ZYDIS_MNEMONIC_DIV: case ZYDIS_MNEMONIC_IDIV: return InsnClass::Div;
    case ZYDIS_MNEMONIC_RDTSC: return InsnClass::Rdtsc;
    case ZYDIS_MNEMONIC_CPUID: return InsnClass::Cpuid;
    case ZYDIS_MNEMONIC_SYSENTER: return InsnClass::Gate;
    case ZYDIS_MNEMONIC_INT: return zi.raw.imm[0].value.u == 0x80 ? InsnClass::Gate : InsnClass::Other;
    case ZYDIS_MNEMONIC_LEA: return InsnClass::Alu;
    case ZYDIS_MNEMONIC_TZCNT: case ZYDIS_MNEMONIC_LZCNT: return InsnClass::Shift;   // as BSF/BSR
    case ZYDIS_MNEMONIC_ENTER: case ZYDIS_MNEMONIC_LEAVE: return InsnClass::CallRet;
    default: break;
    }
    if (zi.attributes & ZYDIS_ATTRIB_HAS_LOCK) return InsnClass::Atomic;
    switch (zi.meta.isa_ext) {
    case ZYDIS_ISA_EXT_X87: return InsnClass::X87;
    case ZYDIS_ISA_EXT_MMX: case ZYDIS_ISA_EXT_SSE: case ZYDIS_ISA_EXT_SSE2: case ZYDIS_ISA_EXT_AMD3DNOW:
        return zi.meta.category == ZYDIS_CATEGORY_PREFETCH ? InsnClass::Alu : InsnClass::Simd;
    default: break;
    }
    switch (zi.meta.category) {
    case ZYDIS_CATEGORY_BINARY: case ZYDIS_CATEGORY_LOGICAL: case ZYDIS_CATEGORY_DATAXFER:
    case ZYDIS_CATEGORY_CMOV: case ZYDIS_CATEGORY_SETCC: case ZYDIS_CATEGORY_FLAGOP:
    case ZYDIS_CATEGORY_CONVERT: case ZYDIS_CATEGORY_NOP: case ZYDIS_CATEGORY_WIDENOP:
    case ZYDIS_CATEGORY_PREFETCH:
        // xchg with a memory operand is implicitly locked (SDM Vol.2B XCHG).
        if (zi.mnemonic == ZYDIS_MNEMONIC_XCHG && zi.raw.modrm.mod != 3 && zi.raw.modrm.offset) return InsnClass::Atomic;
        return InsnClass::Alu;
    case ZYDIS_CATEGORY_SEMAPHORE: return InsnClass::Alu;   // unlocked cmpxchg/xadd
    case ZYDIS_CATEGORY_SHIFT: case ZYDIS_CATEGORY_ROTATE: case ZYDIS_CATEGORY_BITBYTE:
        return InsnClass::Shift;
    case ZYDIS_CATEGORY_COND_BR: case ZYDIS_CATEGORY_UNCOND_BR: return InsnClass::Branch;
    case ZYDIS_CATEGORY_CALL: case ZYDIS_CATEGORY_RET: return InsnClass::CallRet;
    case ZYDIS_CATEGORY_PUSH: case ZYDIS_CATEGORY_POP: return InsnClass::PushPop;
    case ZYDIS_CATEGORY_STRINGOP: return InsnClass::String;
    case ZYDIS_CATEGORY_DECIMAL: return InsnClass::Decimal;
    case ZYDIS_CATEGORY_X87_ALU: case ZYDIS_CATEGORY_FCMOV: return InsnClass::X87;
    default: return InsnClass::Other;
    }
}

// An explicit operand that reads or writes memory (LEA's is address generation only).
bool touches_memory(const ZydisDecodedInstruction& zi, const ZydisDecodedOperand* zo) {
    for (unsigned k = 0; k < zi.operand_count_visible; k++)
        if (zo[k].type == ZYDIS_OPERAND_TYPE_MEMORY && zo[k].mem.type == ZYDIS_MEMOP_TYPE_MEM) return true;
    return false;
}

uint64_t g_no_cost_sink = 0;   // blocks decoded without a context add their (zero) cost here

// Fetches up to 15 bytes at eip from executable guest pages; returns how many are available.
unsigned fetch(GuestMemory& mem, uint32_t eip, uint8_t* out) {
    unsigned n = 0;
    while (n < 15) {
        uint32_t a = eip + n;
        if (!mem.check(a, 1, PROT_EXEC)) break;
        unsigned in_page = kPageSize - (a & (kPageSize - 1));
        unsigned take = std::min(in_page, 15 - n);
        std::memcpy(out + n, mem.host(a), take);
        n += take;
    }
    return n;
}

}  // namespace

void ClassRecorder::totals(uint64_t out[kInsnClassCount]) const {
    for (unsigned k = 0; k < kInsnClassCount; k++) out[k] = 0;
    for (const BlockClassProfile& b : blocks)
        for (unsigned k = 0; k < kInsnClassCount; k++) out[k] += b.executions * b.count[k];
}

uint64_t ClassRecorder::priced_mcycles() const {
    uint64_t mc = 0;
    for (const BlockClassProfile& b : blocks) mc += b.executions * b.mcycles;
    return mc;
}

DecodedBlock* decode_block(GuestMemory& mem, uint32_t eip, DecodeFailure& fail, const DecodeContext* ctx) {
    uint32_t classes[kInsnClassCount] = {};
    std::vector<Insn> out;
    out.reserve(32);
    std::vector<FlagEffect> effects;   // per record, for dead-flag elimination
    effects.reserve(32);
    uint32_t pc = eip;
    bool ended = false;   // the last record sets EIP itself
    const ZydisDecoder& dec = zydis();
    while (out.size() < kMaxBlockInsns) {
        uint8_t bytes[16] = {};
        unsigned avail = fetch(mem, pc, bytes);
        if (avail == 0) {
            if (out.empty()) {
                const Region* r = mem.region_at(pc);
                fail.signo = SIGSEGV;
                fail.si_code = r ? 2 /*SEGV_ACCERR*/ : 1 /*SEGV_MAPERR*/;
                fail.addr = pc;
                return nullptr;
            }
            break;
        }
        ZydisDecodedInstruction zi;
        ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
        ZyanStatus st = ZydisDecoderDecodeFull(&dec, bytes, avail, &zi, zo);
        Insn rec{};
        rec.eip = pc;
        rec.base = rec.index = kZeroReg;
        if (st == ZYDIS_STATUS_NO_MORE_DATA && avail < 15) {
            // The instruction runs into a page we may not execute: fault when it is reached.
            if (!out.empty()) break;
            rec.fn = insn_fetch_fault;
            rec.imm = pc + avail;
            rec.len = static_cast<uint8_t>(avail);
            out.push_back(rec);
            ended = true;
            break;
        }
        if (!ZYAN_SUCCESS(st)) {
            rec.fn = insn_invalid;
            rec.len = 1;
            out.push_back(rec);
            ended = true;
            break;
        }
        if (ctx && !isa_allowed(isa_required(zi), ctx->isa)) {
            // The model's chip has no such instruction: #UD → SIGILL, quietly, as on the chip.
            rec.fn = insn_invalid;
            rec.len = zi.length;
            out.push_back(rec);
            ended = true;
            break;
        }
        classes[static_cast<unsigned>(insn_class(zi))]++;
        if (touches_memory(zi, zo)) classes[static_cast<unsigned>(InsnClass::Mem)]++;
        InsnDesc d;
        describe(zi, zo, pc, d);
        std::memcpy(d.bytes, bytes, zi.length);
        rec.len = zi.length;
        Selector sel = d.mn == Mn::Count ? nullptr : selector_for(d.mn);
        bool ok = sel && sel(d, rec);
        bool addr16 = false;
        for (unsigned k = 0; k < d.nops; k++) addr16 |= is_mem(d.ops[k]) && d.ops[k].addr16;
        if (ok && addr16) ok = wrap_addr16(d, rec);
        bool stop = ends_block(d.mn);
        if (!ok) {
            std::string text;
            disassemble(bytes, avail, pc, true, text);
            record_unimplemented(pc, text);
            rec = Insn{};
            rec.fn = insn_unimplemented;
            rec.eip = pc;
            rec.len = zi.length;
            rec.base = rec.index = kZeroReg;
            stop = true;
        }
        effects.resize(out.size(), FlagEffect{0x3f, 0});
        effects.push_back(ok ? flag_effect(d) : FlagEffect{0x3f, 0});
        out.push_back(rec);
        pc += zi.length;
        if (stop) { ended = true; break; }
    }
    // Every block ends in a record that sets EIP: append a fall-through jump when the last
    // instruction does not (block cut by size or by an unfetchable next instruction).
    bool needs_continue = !ended;
    effects.resize(out.size(), FlagEffect{0x3f, 0});
    drop_dead_flags(out.data(), effects.data(), out.size());
    if (needs_continue) {
        Insn cont{};
        cont.fn = insn_continue_at;
        cont.eip = pc;
        cont.imm = pc;
        cont.len = 0;
        cont.base = cont.index = kZeroReg;
        out.push_back(cont);
    }
    use_base_disp_forms(out.data(), out.size());
    thread_records(out.data(), out.size());
    size_t bytes = sizeof(DecodedBlock) + (out.size() - 1) * sizeof(Insn);
    auto* b = static_cast<DecodedBlock*>(std::calloc(1, bytes));
    b->entry = eip;
    b->end = pc;
    b->count = static_cast<uint32_t>(out.size());
    b->guest_insns = b->count - (needs_continue ? 1 : 0);
    b->cost_sink = &g_no_cost_sink;
    uint64_t cost = 0;
    if (ctx)
        for (unsigned k = 0; k < kInsnClassCount; k++) cost += uint64_t(classes[k]) * ctx->class_mcycles[k];
    if (ctx && ctx->recorder) {
        // gate386 compare: count executions into a class histogram that outlives the block.
        BlockClassProfile& prof = ctx->recorder->blocks.emplace_back();
        std::memcpy(prof.count, classes, sizeof classes);
        prof.mcycles = static_cast<uint32_t>(std::min<uint64_t>(cost, UINT32_MAX));
        b->cost_sink = &prof.executions;
        b->user_cost = 1;
    } else if (ctx && ctx->cost_sink) {
        b->cost_sink = ctx->cost_sink;
        b->user_cost = static_cast<uint32_t>(std::min<uint64_t>(cost, UINT32_MAX));
    }
    std::memcpy(b->insns, out.data(), out.size() * sizeof(Insn));
    return b;
}

void free_block(DecodedBlock* b) { std::free(b); }

unsigned disassemble(const uint8_t* bytes, unsigned avail, uint32_t eip, bool att, std::string& text) {
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zydis(), bytes, avail, &zi, zo))) {
        text = "(bad)";
        return 0;
    }
    ZydisFormatter fmt;
    ZydisFormatterInit(&fmt, att ? ZYDIS_FORMATTER_STYLE_ATT : ZYDIS_FORMATTER_STYLE_INTEL);
    char buf[256];
    ZydisFormatterFormatInstruction(&fmt, &zi, zo, zi.operand_count_visible, buf, sizeof buf, eip,
                                    ZYAN_NULL);
    text = buf;
    return zi.length;
}

}  // namespace gate386
