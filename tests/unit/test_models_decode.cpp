// The model's decisions at decode time: the ISA gate (an instruction the chip lacks decodes into
// a SIGILL record) and the per-block user cost (one number per block, nothing per instruction).
#include <doctest.h>

#include <cstring>
#include <initializer_list>
#include <sys/mman.h>

#include "core/guest_memory.h"
#include "cpu/cpu_models.h"
#include "cpu/decoder.h"
#include "cpu/exceptions.h"
#include "syscalls/gate_costs.h"

using namespace gate386;

namespace {

constexpr uint32_t kCode = 0x08048000;

DecodeContext context_for(const char* model, uint64_t* sink) {
    const CpuModel& m = *find_cpu_model(model);
    GatePrices pr = make_gate_prices(m);
    DecodeContext ctx;
    ctx.isa = m.identity.isa;
    for (unsigned k = 0; k < kInsnClassCount; k++) ctx.class_mcycles[k] = static_cast<uint32_t>(pr.insn[k]);
    ctx.cost_sink = sink;
    return ctx;
}

struct Code {
    GuestMemory mem;
    Code() { REQUIRE(mem.map(kCode, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == kCode); }
    void put(std::initializer_list<uint8_t> bytes) {
        std::memset(mem.host(kCode), 0xf4, 0x1000);   // hlt after the code
        std::memcpy(mem.host(kCode), bytes.begin(), bytes.size());
    }
    // Decodes at kCode under `model`; returns whether the first record is the model's SIGILL.
    bool sigill_under(const char* model) {
        uint64_t sink = 0;
        DecodeContext ctx = context_for(model, &sink);
        DecodeFailure f;
        DecodedBlock* b = decode_block(mem, kCode, f, &ctx);
        REQUIRE(b);
        bool ill = b->insns[0].fn == insn_invalid;
        free_block(b);
        return ill;
    }
};

}  // namespace

TEST_CASE("an instruction the model's chip lacks decodes into SIGILL") {
    Code c;
    c.put({0x66, 0x0f, 0x58, 0xc1});   // addpd %xmm1,%xmm0 (SSE2)
    CHECK(c.sigill_under("pentium3"));
    CHECK(c.sigill_under("athlon"));
    CHECK(c.sigill_under("pentiumpro"));
    CHECK_FALSE(c.sigill_under("pentium4"));

    c.put({0x0f, 0x58, 0xc1});         // addps %xmm1,%xmm0 (SSE)
    CHECK(c.sigill_under("pentiumpro"));
    CHECK_FALSE(c.sigill_under("pentium3"));

    c.put({0x0f, 0x6f, 0xc1});         // movq %mm1,%mm0 (MMX)
    CHECK(c.sigill_under("pentiumpro"));
    CHECK_FALSE(c.sigill_under("athlon"));

    c.put({0x0f, 0x70, 0xc1, 0x1b});   // pshufw: SSE on Intel, MMX extensions on the K7
    CHECK(c.sigill_under("pentiumpro"));
    CHECK_FALSE(c.sigill_under("pentium3"));
    CHECK_FALSE(c.sigill_under("athlon"));

    c.put({0x0f, 0x0e});               // femms (3DNow!)
    CHECK(c.sigill_under("pentium4"));
    CHECK_FALSE(c.sigill_under("athlon"));

    c.put({0x0f, 0x34});               // sysenter: #UD on the Pentium Pro (SEP reported, not there)
    CHECK(c.sigill_under("pentiumpro"));
    CHECK_FALSE(c.sigill_under("pentium3"));

    c.put({0xf3, 0x0f, 0x38, 0xf6, 0xc1});   // adox: newer than every model
    CHECK(c.sigill_under("pentium4"));
    c.put({0xf3, 0x0f, 0xb8, 0xc1});   // popcnt (SSE4.2 era)
    CHECK(c.sigill_under("pentium4"));

    // tzcnt is F3 0F BC, which chips without BMI execute as bsf: not a SIGILL anywhere.
    c.put({0xf3, 0x0f, 0xbc, 0xc1});
    CHECK_FALSE(c.sigill_under("pentiumpro"));
    CHECK_FALSE(c.sigill_under("pentium4"));

    c.put({0x0f, 0x44, 0xc1});         // cmovz: every modelled chip is a P6 or later
    for (const char* m : {"pentiumpro", "pentium3", "pentium4", "athlon"}) CHECK_FALSE(c.sigill_under(m));
}

TEST_CASE("instructions before the missing one still run: the SIGILL record ends the block") {
    Code c;
    c.put({0x40, 0x40, 0x66, 0x0f, 0x58, 0xc1});   // inc %eax; inc %eax; addpd
    uint64_t sink = 0;
    DecodeContext ctx = context_for("pentium3", &sink);
    DecodeFailure f;
    DecodedBlock* b = decode_block(c.mem, kCode, f, &ctx);
    REQUIRE(b);
    CHECK(b->count == 3);
    CHECK((b->insns[2].fn == insn_invalid));
    CHECK(b->insns[2].eip == kCode + 2);
    free_block(b);
}

TEST_CASE("a block's user cost is summed at decode time from the model's classes") {
    Code c;
    // mov $1,%eax (alu); add 0x10(%ebx),%eax (alu + mem); push %eax (push_pop); imul %ecx,%eax (mul);
    // jmp . (branch)
    c.put({0xb8, 1, 0, 0, 0, 0x03, 0x43, 0x10, 0x50, 0x0f, 0xaf, 0xc1, 0xeb, 0xfe});
    uint64_t sink = 0;
    for (const char* model : {"pentium3", "pentium4"}) {
        CAPTURE(model);
        DecodeContext ctx = context_for(model, &sink);
        const auto& insn = find_cpu_model(model)->costs.insn;
        auto cyc = [&](InsnClass k) { return insn[static_cast<unsigned>(k)].mcycles(); };
        DecodeFailure f;
        DecodedBlock* b = decode_block(c.mem, kCode, f, &ctx);
        REQUIRE(b);
        CHECK(b->cost_sink == &sink);
        CHECK(b->user_cost == 2 * cyc(InsnClass::Alu) + cyc(InsnClass::Mem) + cyc(InsnClass::PushPop) +
                                  cyc(InsnClass::Mul) + cyc(InsnClass::Branch));
        free_block(b);
    }
    // Without a context the block costs nothing and goes nowhere harmful.
    DecodeFailure f;
    DecodedBlock* b = decode_block(c.mem, kCode, f);
    REQUIRE(b);
    CHECK(b->user_cost == 0);
    REQUIRE(b->cost_sink != nullptr);
    free_block(b);
}

TEST_CASE("recording mode counts classes per block into profiles that outlive the block") {
    Code c;
    c.put({0x40, 0x50, 0x58, 0xeb, 0xfe});   // inc; push; pop; jmp
    uint64_t sink = 0;
    DecodeContext ctx = context_for("pentium4", &sink);
    ClassRecorder rec;
    ctx.recorder = &rec;
    DecodeFailure f;
    DecodedBlock* b = decode_block(c.mem, kCode, f, &ctx);
    REQUIRE(b);
    for (int k = 0; k < 10; k++) *b->cost_sink += b->user_cost;   // what the run loop does
    free_block(b);
    uint64_t totals[kInsnClassCount];
    rec.totals(totals);
    CHECK(totals[static_cast<unsigned>(InsnClass::Alu)] == 10);
    CHECK(totals[static_cast<unsigned>(InsnClass::PushPop)] == 20);
    CHECK(totals[static_cast<unsigned>(InsnClass::Branch)] == 10);
    CHECK(sink == 0);
}
