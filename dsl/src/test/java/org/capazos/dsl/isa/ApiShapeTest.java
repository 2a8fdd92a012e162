package org.capazos.dsl.isa;

import org.capazos.dsl.Assembler;
import org.capazos.dsl.Label;
import org.capazos.dsl.ModuleBuilder;
import org.capazos.dsl.PStateField;
import org.capazos.dsl.Section;
import org.capazos.dsl.SpW;
import org.capazos.dsl.SpX;
import org.capazos.dsl.SystemOperation;
import org.capazos.dsl.SystemRegister;
import org.capazos.dsl.WOrSp;
import org.capazos.dsl.WOrZr;
import org.capazos.dsl.WReg;
import org.capazos.dsl.XOrSp;
import org.capazos.dsl.XOrZr;
import org.capazos.dsl.XReg;
import org.capazos.dsl.ZrW;
import org.capazos.dsl.ZrX;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.capazos.dsl.BarrierOption.ISH;
import static org.capazos.dsl.BarrierOption.ISHST;
import static org.capazos.dsl.BarrierOption.SY;
import static org.capazos.dsl.Condition.EQ;
import static org.capazos.dsl.Condition.HI;
import static org.capazos.dsl.Condition.LO;
import static org.capazos.dsl.Condition.NE;
import static org.capazos.dsl.Extend.SXTW;
import static org.capazos.dsl.Extend.UXTB;
import static org.capazos.dsl.Extend.UXTW;
import static org.capazos.dsl.Extend.UXTX;
import static org.capazos.dsl.Lo12.lo12;
import static org.capazos.dsl.Mem.mem;
import static org.capazos.dsl.Mem.postIndex;
import static org.capazos.dsl.Mem.preIndex;
import static org.capazos.dsl.Registers.*;
import static org.capazos.dsl.Shift.ASR;
import static org.capazos.dsl.Shift.LSL;
import static org.capazos.dsl.Shift.LSR;
import static org.capazos.dsl.Shift.ROR;
import static org.capazos.dsl.SystemOperation.DC_CIVAC;
import static org.capazos.dsl.SystemOperation.DC_ZVA;
import static org.capazos.dsl.SystemOperation.IC_IALLU;
import static org.capazos.dsl.SystemOperation.IC_IVAU;
import static org.capazos.dsl.SystemOperation.Prefetch.PLDL1KEEP;
import static org.capazos.dsl.SystemOperation.Prefetch.PSTL1STRM;
import static org.capazos.dsl.SystemOperation.TLBI_VAE1IS;
import static org.capazos.dsl.SystemOperation.TLBI_VMALLE1;
import static org.capazos.dsl.SystemOperation.AT_S1E1R;
import static org.capazos.dsl.SystemRegister.CURRENTEL;
import static org.capazos.dsl.SystemRegister.DAIF;
import static org.capazos.dsl.SystemRegister.ESR_EL1;
import static org.capazos.dsl.SystemRegister.SCTLR_EL1;
import static org.capazos.dsl.SystemRegister.TTBR0_EL1;
import static org.capazos.dsl.SystemRegister.VBAR_EL1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the generated API: typical kernel calls compile without casts or ambiguity (this class compiling
 * is most of the test), and no combination of concrete argument types makes two Assembler overloads equally
 * applicable.
 */
class ApiShapeTest {

    /** Calls a kernel writes every day; they must compile as written and encode. */
    static void typicalCalls(Assembler a, Label l) {
        // arithmetic: immediates (int literals widen to long), registers, shifts, extends, sp
        a.add(x0, x1, 16).add(w0, w1, 4095).add(x0, x1, 0x1000).add(x0, x1, 1, LSL, 12)
                .add(x0, x1, x2).add(x0, x1, x2, LSL, 3).add(w3, w4, w5, ASR, 31)
                .add(x0, x1, w2, UXTW, 2).add(x0, x1, w2, SXTW).add(x0, sp, x1).add(sp, sp, x1).add(sp, x0, x1, LSL, 4)
                .add(sp, sp, 16).sub(sp, sp, 16).sub(x0, x1, x2).subs(x0, x1, 1).adds(xzr, x1, x2)
                .cmp(x0, 1).cmp(w0, w1).cmp(x0, x1, LSL, 2).cmp(sp, x1).cmn(x0, 5).neg(x0, x1).negs(w0, w1)
                .ngc(x0, x1).adc(x0, x1, x2).sbcs(w0, w1, w2);
        // logical
        a.and(x0, x1, 0xffL).and(x0, x1, 0xff).and(w0, w1, 0xff).orr(x0, x1, x2).orr(x0, x1, x2, ROR, 8)
                .eor(x0, x1, 0x5555555555555555L).bic(x0, x1, x2).ands(x0, x1, x2).tst(x0, 1).tst(x0, x1)
                .mvn(x0, x1).orn(w0, w1, w2).eon(x0, x1, x2, LSR, 1).bics(x0, x1, x2);
        // moves
        a.mov(x0, 42L).mov(x0, 42).mov(w0, -1).mov(x0, -1L).mov(x0, 0xffff0000L).mov(x0, x1).mov(w0, w1)
                .mov(sp, x1).mov(x0, sp).mov(wsp, w1).mov(sp, 0xff0L)
                .movz(x0, 0x1234).movk(x0, 0x1234, 16).movk(x0, 0x1234, 48).movn(w0, 0, 16).movz(w0, 1, 16);
        // bitfield, shifts, extends
        a.lsl(x0, x1, 3).lsr(x0, x1, 63).asr(w0, w1, 31).ror(x0, x1, 7).lsl(x0, x1, x2).lsr(w0, w1, w2)
                .ubfx(x0, x1, 4, 8).sbfx(w0, w1, 0, 1).bfi(x0, x1, 8, 16).bfxil(x0, x1, 0, 8).ubfiz(x0, x1, 12, 20)
                .sbfiz(x0, x1, 1, 3).bfc(x0, 5, 3).sxtw(x0, w1).sxtb(x0, w1).uxtb(w0, w1).uxth(w0, w1)
                .extr(x0, x1, x2, 13).ubfm(x0, x1, 4, 11).sbfm(w0, w1, 0, 7).bfm(x0, x1, 1, 2);
        // multiply, divide, bits, conditional
        a.mul(x0, x1, x2).madd(x0, x1, x2, x3).msub(w0, w1, w2, w3).mneg(x0, x1, x2).umulh(x0, x1, x2)
                .smulh(x0, x1, x2).smull(x0, w1, w2).umaddl(x0, w1, w2, x3).udiv(x0, x1, x2).sdiv(w0, w1, w2)
                .clz(x0, x1).cls(w0, w1).rbit(x0, x1).rev(x0, x1).rev16(w0, w1).rev32(x0, x1)
                .csel(x0, x1, x2, EQ).csinc(w0, w1, w2, NE).cset(x0, HI).csetm(w0, LO).cinc(x0, x1, EQ)
                .cneg(x0, x1, NE).ccmp(x0, x1, 0, EQ).ccmp(x0, 5, 4, NE).ccmn(w0, w1, 15, HI);
        // loads and stores
        a.ldr(x0, mem(x1, 8)).ldr(x0, mem(x1)).ldr(x0, mem(sp, -8)).str(w2, preIndex(sp, -16))
                .ldr(x0, postIndex(sp, 16)).ldr(x0, mem(x1, x2)).ldr(x0, mem(x1, x2, LSL, 3))
                .ldr(w0, mem(x1, w2, UXTW, 2)).ldrb(w0, mem(x1, 1)).ldrh(w0, mem(x1, 2)).ldrsb(x0, mem(x1))
                .ldrsh(w0, mem(x1)).ldrsw(x0, mem(x1, 4)).strb(wzr, mem(x0)).strh(w1, mem(x0, 2)).str(xzr, mem(sp, 8))
                .ldur(x0, mem(x1, -1)).stur(w0, mem(x1, 3)).ldtr(x0, mem(x1)).sttr(w0, mem(x1))
                .ldp(x29, x30, postIndex(sp, 16)).stp(x29, x30, preIndex(sp, -16)).ldp(w0, w1, mem(x2, 8))
                .ldpsw(x0, x1, mem(x2)).ldnp(x0, x1, mem(x2)).stnp(x0, x1, mem(x2, 16))
                .ldr(x0, l).ldr(w0, l).ldrsw(x0, l).prfm(PLDL1KEEP, mem(x0)).prfm(PSTL1STRM, mem(x0, x1))
                .prfm(3, mem(x0, 8)).prfm(PLDL1KEEP, l).prfum(PLDL1KEEP, mem(x0, -1));
        // exclusives, acquire/release, atomics
        a.ldxr(x0, mem(x1)).stxr(w2, x0, mem(x1)).ldaxr(w0, mem(x1)).stlxr(w2, w0, mem(sp))
                .ldxrb(w0, mem(x1)).stxrh(w2, w0, mem(x1)).ldxp(x0, x1, mem(x2)).stlxp(w3, x0, x1, mem(x2))
                .ldar(x0, mem(x1)).stlr(w0, mem(x1)).ldarb(w0, mem(x1)).stlrh(w0, mem(x1))
                .ldadd(x0, x1, mem(x2)).ldaddal(w0, w1, mem(sp)).ldclrb(w0, w1, mem(x2)).stadd(x0, mem(x1))
                .staddl(w0, mem(x1)).swpal(x0, x1, mem(x2)).cas(x0, x1, mem(x2)).casal(w0, w1, mem(x2))
                .casp(x0, x1, x2, x3, mem(x4)).ldsmaxalh(w0, w1, mem(x2)).ldumin(x0, x1, mem(x2));
        // branches
        a.b(l).bl(l).b(EQ, l).b(NE, l).cbz(x0, l).cbnz(w0, l).tbz(x0, 63, l).tbnz(w0, 3, l).br(x16).blr(x1)
                .ret().ret(x1).adr(x0, l).adrp(x0, l).add(x0, x0, lo12(l));
        // system
        a.mrs(x0, CURRENTEL).mrs(x1, ESR_EL1).msr(SCTLR_EL1, x0).msr(TTBR0_EL1, x1).msr(VBAR_EL1, x0)
                .msr(DAIF, xzr).mrs(x0, SystemRegister.of(3, 0, 15, 2, 0)).msr(PStateField.DAIFSET, 0xf)
                .msr(PStateField.DAIFCLR, 2).msr(PStateField.SPSEL, 1).msr(PStateField.PAN, 1)
                .dmb(ISH).dsb(ISH).dsb(SY).dmb(ISHST).dmb(0).isb()
                .tlbi(TLBI_VMALLE1).tlbi(TLBI_VAE1IS, x0).dc(DC_CIVAC, x0).dc(DC_ZVA, x1).ic(IC_IALLU)
                .ic(IC_IVAU, x0).at(AT_S1E1R, x0).sys(SystemOperation.TLBI_VMALLE1IS).sys(0, 7, 5, 0)
                .sysl(x0, 1, 2, 3, 4).nop().yield().wfe().wfi().sev().sevl().hint(34).clrex().esb().csdb()
                .svc(0).hvc(1).smc(0).brk(0x3e8).hlt(0).udf(0).eret();
    }

    @Test
    void typicalCallsEncode() {
        ModuleBuilder mb = new ModuleBuilder("shape");
        Section s = mb.section(".text", Section.Kind.CODE);
        Assembler a = new Assembler(s);
        Label l = new Label("target");
        a.bind(l);
        typicalCalls(a, l);
        assertTrue(a.position() > 800, "emitted " + a.position() + " bytes");
    }

    // ---- overload resolution -------------------------------------------------------------------------------

    /** The concrete classes (or primitive types) a value passed for a parameter of this type can have. */
    static List<Class<?>> concrete(Class<?> p) {
        if (p == XOrZr.class) return List.of(XReg.class, ZrX.class);
        if (p == XOrSp.class) return List.of(XReg.class, SpX.class);
        if (p == WOrZr.class) return List.of(WReg.class, ZrW.class);
        if (p == WOrSp.class) return List.of(WReg.class, SpW.class);
        if (p == long.class) return List.of(long.class, int.class); // an int literal where a long is wanted
        return List.of(p);
    }

    static boolean assignable(Class<?> arg, Class<?> param) {
        if (param == long.class) return arg == long.class || arg == int.class;
        if (param.isPrimitive() || arg.isPrimitive()) return param == arg;
        return param.isAssignableFrom(arg);
    }

    /** Java's "more specific" for methods applicable by subtyping (int is a subtype of long there). */
    static boolean moreSpecific(Method m1, Method m2) {
        Class<?>[] a = m1.getParameterTypes(), b = m2.getParameterTypes();
        for (int i = 0; i < a.length; i++) if (!assignable(a[i], b[i])) return false;
        return true;
    }

    @Test
    void noConcreteArgumentsMakeACallAmbiguous() {
        Map<String, List<Method>> byName = new LinkedHashMap<>();
        for (Method m : Assembler.class.getDeclaredMethods())
            if (java.lang.reflect.Modifier.isPublic(m.getModifiers()))
                byName.computeIfAbsent(m.getName() + "/" + m.getParameterCount(), k -> new ArrayList<>()).add(m);
        List<String> ambiguous = new ArrayList<>();
        int tuples = 0;
        for (List<Method> ms : byName.values()) {
            if (ms.size() < 2) continue;
            for (Method m : ms) {
                for (List<Class<?>> t : product(Arrays.stream(m.getParameterTypes()).map(ApiShapeTest::concrete).toList())) {
                    tuples++;
                    List<Method> applicable = new ArrayList<>();
                    for (Method o : ms) {
                        boolean ok = true;
                        for (int i = 0; i < t.size() && ok; i++) ok = assignable(t.get(i), o.getParameterTypes()[i]);
                        if (ok) applicable.add(o);
                    }
                    List<Method> maximal = applicable.stream()
                            .filter(x -> applicable.stream().allMatch(y -> moreSpecific(x, y))).toList();
                    if (maximal.size() != 1)
                        ambiguous.add(m.getName() + t.stream().map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"))
                                + " matches " + applicable.stream().map(ApiShapeTest::sig).collect(Collectors.joining(" and ")));
                }
            }
        }
        System.out.printf("Assembler API: %d public methods; %d argument type combinations resolve to exactly one overload%n",
                byName.values().stream().mapToInt(List::size).sum(), tuples);
        assertEquals(List.of(), ambiguous, "calls Java cannot resolve");
    }

    static String sig(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    static List<List<Class<?>>> product(List<List<Class<?>>> sets) {
        List<List<Class<?>>> out = new ArrayList<>();
        out.add(List.of());
        for (List<Class<?>> s : sets) {
            List<List<Class<?>>> next = new ArrayList<>();
            for (List<Class<?>> prefix : out)
                for (Class<?> c : s) {
                    List<Class<?>> l = new ArrayList<>(prefix);
                    l.add(c);
                    next.add(l);
                }
            out = next;
        }
        return out;
    }
}
