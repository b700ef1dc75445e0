package dev.ember.tensor;

import dev.ember.devices.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The golden fixtures' op names mapped to Ember calls, one line per op. A name is the Tensor
 * method, with a ".variant" suffix where the fixture picks an overload (".scalar" for a Java
 * number operand, ".tensor" for tensor bounds, ...). Results are a Tensor or a list of them.
 */
final class GoldenOpTable {
    private GoldenOpTable() {}

    @FunctionalInterface
    interface GoldenOp {
        Object apply(List<Tensor> x, Fixture.Args a);
    }

    private static final Map<String, GoldenOp> OPS = new HashMap<>();

    static GoldenOp get(String name) {
        GoldenOp op = OPS.get(name);
        if (op == null) throw new IllegalStateException("no Ember op for fixture op '" + name + "' in GoldenOpTable");
        return op;
    }

    /** The results of an op call as a list: a Tensor, a List of tensors, or sorted values with indices. */
    static List<Tensor> results(Object result) {
        if (result instanceof Tensor t) return List.of(t);
        if (result instanceof Sorting.Result r) return List.of(r.values(), r.indices());
        @SuppressWarnings("unchecked")
        List<Tensor> list = (List<Tensor>) result;
        return list;
    }

    private static void op(String name, GoldenOp op) { OPS.put(name, op); }

    static {
        // unary elementwise
        op("neg", (x, a) -> x.get(0).neg());
        op("abs", (x, a) -> x.get(0).abs());
        op("exp", (x, a) -> x.get(0).exp());
        op("exp2", (x, a) -> x.get(0).exp2());
        op("log", (x, a) -> x.get(0).log());
        op("log2", (x, a) -> x.get(0).log2());
        op("log10", (x, a) -> x.get(0).log10());
        op("sqrt", (x, a) -> x.get(0).sqrt());
        op("rsqrt", (x, a) -> x.get(0).rsqrt());
        op("sin", (x, a) -> x.get(0).sin());
        op("cos", (x, a) -> x.get(0).cos());
        op("tan", (x, a) -> x.get(0).tan());
        op("asin", (x, a) -> x.get(0).asin());
        op("acos", (x, a) -> x.get(0).acos());
        op("atan", (x, a) -> x.get(0).atan());
        op("sinh", (x, a) -> x.get(0).sinh());
        op("cosh", (x, a) -> x.get(0).cosh());
        op("tanh", (x, a) -> x.get(0).tanh());
        op("asinh", (x, a) -> x.get(0).asinh());
        op("acosh", (x, a) -> x.get(0).acosh());
        op("atanh", (x, a) -> x.get(0).atanh());
        op("sigmoid", (x, a) -> x.get(0).sigmoid());
        op("relu", (x, a) -> x.get(0).relu());
        op("floor", (x, a) -> x.get(0).floor());
        op("ceil", (x, a) -> x.get(0).ceil());
        op("round", (x, a) -> x.get(0).round());
        op("trunc", (x, a) -> x.get(0).trunc());
        op("sign", (x, a) -> x.get(0).sign());
        op("reciprocal", (x, a) -> x.get(0).reciprocal());
        op("square", (x, a) -> x.get(0).square());
        op("log1p", (x, a) -> x.get(0).log1p());
        op("expm1", (x, a) -> x.get(0).expm1());
        op("erf", (x, a) -> x.get(0).erf());
        op("erfc", (x, a) -> x.get(0).erfc());
        op("logicalNot", (x, a) -> x.get(0).logicalNot());

        // activations
        op("gelu", (x, a) -> x.get(0).gelu());
        op("gelu.tanh", (x, a) -> x.get(0).gelu(true));
        op("silu", (x, a) -> x.get(0).silu());
        op("softplus", (x, a) -> a.has("beta") ? x.get(0).softplus(a.d("beta"), a.d("threshold")) : x.get(0).softplus());
        op("leakyRelu", (x, a) -> a.has("negativeSlope") ? x.get(0).leakyRelu(a.d("negativeSlope")) : x.get(0).leakyRelu());
        op("elu", (x, a) -> a.has("alpha") ? x.get(0).elu(a.d("alpha")) : x.get(0).elu());
        op("hardtanh", (x, a) -> a.has("min") ? x.get(0).hardtanh(a.d("min"), a.d("max")) : x.get(0).hardtanh());
        op("clamp", (x, a) -> x.get(0).clamp(a.d("min"), a.d("max")));
        op("clampMin", (x, a) -> x.get(0).clampMin(a.d("min")));
        op("clampMax", (x, a) -> x.get(0).clampMax(a.d("max")));
        op("clamp.tensor", (x, a) -> x.get(0).clamp(x.get(1), x.get(2)));

        // binary elementwise
        op("add", (x, a) -> x.get(0).add(x.get(1)));
        op("sub", (x, a) -> x.get(0).sub(x.get(1)));
        op("mul", (x, a) -> x.get(0).mul(x.get(1)));
        op("div", (x, a) -> x.get(0).div(x.get(1)));
        op("pow", (x, a) -> x.get(0).pow(x.get(1)));
        op("maximum", (x, a) -> x.get(0).maximum(x.get(1)));
        op("minimum", (x, a) -> x.get(0).minimum(x.get(1)));
        op("atan2", (x, a) -> x.get(0).atan2(x.get(1)));
        op("fmod", (x, a) -> x.get(0).fmod(x.get(1)));
        op("remainder", (x, a) -> x.get(0).remainder(x.get(1)));
        op("floorDivide", (x, a) -> x.get(0).floorDivide(x.get(1)));
        op("add.alpha", (x, a) -> x.get(0).add(x.get(1), a.d("alpha")));
        op("sub.alpha", (x, a) -> x.get(0).sub(x.get(1), a.d("alpha")));
        op("add.scalar", (x, a) -> a.isIntegral("other") ? x.get(0).add(a.l("other")) : x.get(0).add(a.d("other")));
        op("sub.scalar", (x, a) -> a.isIntegral("other") ? x.get(0).sub(a.l("other")) : x.get(0).sub(a.d("other")));
        op("mul.scalar", (x, a) -> a.isIntegral("other") ? x.get(0).mul(a.l("other")) : x.get(0).mul(a.d("other")));
        op("div.scalar", (x, a) -> a.isIntegral("other") ? x.get(0).div(a.l("other")) : x.get(0).div(a.d("other")));
        op("rsub.scalar", (x, a) -> x.get(0).rsub(a.d("other")));
        op("fmod.scalar", (x, a) -> a.isIntegral("other") ? x.get(0).fmod(a.l("other")) : x.get(0).fmod(a.d("other")));
        op("remainder.scalar", (x, a) -> a.isIntegral("other") ? x.get(0).remainder(a.l("other")) : x.get(0).remainder(a.d("other")));
        op("floorDivide.scalar", (x, a) -> a.isIntegral("other") ? x.get(0).floorDivide(a.l("other")) : x.get(0).floorDivide(a.d("other")));
        op("pow.scalar", (x, a) -> x.get(0).pow(a.d("exponent")));

        // comparison and logic
        op("eq", (x, a) -> x.get(0).eq(x.get(1)));
        op("ne", (x, a) -> x.get(0).ne(x.get(1)));
        op("lt", (x, a) -> x.get(0).lt(x.get(1)));
        op("le", (x, a) -> x.get(0).le(x.get(1)));
        op("gt", (x, a) -> x.get(0).gt(x.get(1)));
        op("ge", (x, a) -> x.get(0).ge(x.get(1)));
        op("eq.scalar", (x, a) -> x.get(0).eq(a.d("other")));
        op("ne.scalar", (x, a) -> x.get(0).ne(a.d("other")));
        op("lt.scalar", (x, a) -> x.get(0).lt(a.d("other")));
        op("le.scalar", (x, a) -> x.get(0).le(a.d("other")));
        op("gt.scalar", (x, a) -> x.get(0).gt(a.d("other")));
        op("ge.scalar", (x, a) -> x.get(0).ge(a.d("other")));
        op("logicalAnd", (x, a) -> x.get(0).logicalAnd(x.get(1)));
        op("logicalOr", (x, a) -> x.get(0).logicalOr(x.get(1)));
        op("logicalXor", (x, a) -> x.get(0).logicalXor(x.get(1)));

        // ternary and composite elementwise
        op("where", (x, a) -> Tensor.where(x.get(0), x.get(1), x.get(2)));
        op("where.scalar", (x, a) -> Tensor.where(x.get(0), x.get(1), a.d("other")));
        op("lerp", (x, a) -> x.get(0).lerp(x.get(1), x.get(2)));
        op("lerp.scalar", (x, a) -> x.get(0).lerp(x.get(1), a.d("weight")));
        op("addcmul", (x, a) -> x.get(0).addcmul(x.get(1), x.get(2), a.d("value")));
        op("addcdiv", (x, a) -> x.get(0).addcdiv(x.get(1), x.get(2), a.d("value")));
        op("to", (x, a) -> x.get(0).to(DType.valueOf(a.s("dtype").toUpperCase(Locale.ROOT))));

        // reductions and scans
        op("sum", (x, a) -> a.has("dims") ? x.get(0).sum(a.ints("dims"), a.b("keepdim")) : x.get(0).sum());
        op("sum.dtype", (x, a) -> x.get(0).sum(DType.valueOf(a.s("dtype").toUpperCase(Locale.ROOT))));
        op("mean", (x, a) -> a.has("dims") ? x.get(0).mean(a.ints("dims"), a.b("keepdim")) : x.get(0).mean());
        op("prod", (x, a) -> a.has("dims") ? x.get(0).prod(a.ints("dims")[0], a.b("keepdim")) : x.get(0).prod());
        op("max", (x, a) -> a.has("dim") ? x.get(0).max(a.i("dim"), a.b("keepdim")) : x.get(0).max());
        op("min", (x, a) -> a.has("dim") ? x.get(0).min(a.i("dim"), a.b("keepdim")) : x.get(0).min());
        op("amax", (x, a) -> x.get(0).amax(a.ints("dims"), a.b("keepdim")));
        op("amin", (x, a) -> x.get(0).amin(a.ints("dims"), a.b("keepdim")));
        op("argmax", (x, a) -> a.has("dim") ? x.get(0).argmax(a.i("dim"), a.b("keepdim")) : x.get(0).argmax());
        op("argmin", (x, a) -> a.has("dim") ? x.get(0).argmin(a.i("dim"), a.b("keepdim")) : x.get(0).argmin());
        op("var", (x, a) -> a.has("dims") ? x.get(0).var(a.ints("dims"), a.b("keepdim"), a.i("correction")) : x.get(0).var());
        op("std", (x, a) -> a.has("dims") ? x.get(0).std(a.ints("dims"), a.b("keepdim"), a.i("correction")) : x.get(0).std());
        op("logsumexp", (x, a) -> x.get(0).logsumexp(a.i("dim"), a.b("keepdim")));
        op("softmax", (x, a) -> x.get(0).softmax(a.i("dim")));
        op("logSoftmax", (x, a) -> x.get(0).logSoftmax(a.i("dim")));
        op("norm", (x, a) -> x.get(0).norm(a.d("p")));
        op("cumsum", (x, a) -> x.get(0).cumsum(a.i("dim")));
        op("cumprod", (x, a) -> x.get(0).cumprod(a.i("dim")));
        op("any", (x, a) -> a.has("dim") ? x.get(0).any(a.i("dim")) : x.get(0).any());
        op("all", (x, a) -> a.has("dim") ? x.get(0).all(a.i("dim")) : x.get(0).all());

        // linear algebra
        op("matmul", (x, a) -> x.get(0).matmul(x.get(1)));
        op("mm", (x, a) -> x.get(0).mm(x.get(1)));
        op("bmm", (x, a) -> x.get(0).bmm(x.get(1)));
        op("mv", (x, a) -> x.get(0).mv(x.get(1)));
        op("dot", (x, a) -> x.get(0).dot(x.get(1)));
        op("outer", (x, a) -> x.get(0).outer(x.get(1)));

        // views and shape
        op("reshape", (x, a) -> x.get(0).reshape(a.longs("shape")));
        op("view", (x, a) -> x.get(0).view(a.longs("shape")));
        op("transpose", (x, a) -> x.get(0).transpose(a.i("dim0"), a.i("dim1")));
        op("t", (x, a) -> x.get(0).t());
        op("mT", (x, a) -> x.get(0).mT());
        op("permute", (x, a) -> x.get(0).permute(a.ints("dims")));
        op("flip", (x, a) -> x.get(0).flip(a.ints("dims")));
        op("roll", (x, a) -> x.get(0).roll(a.longs("shifts"), a.ints("dims")));
        op("repeat", (x, a) -> x.get(0).repeat(a.longs("repeats")));
        op("tril", (x, a) -> x.get(0).tril(a.l("diagonal")));
        op("triu", (x, a) -> x.get(0).triu(a.l("diagonal")));
        op("pad", (x, a) -> x.get(0).pad(a.longs("padding"), a.s("mode"), a.d("value")));
        op("squeeze", (x, a) -> a.has("dim") ? x.get(0).squeeze(a.i("dim")) : x.get(0).squeeze());
        op("unsqueeze", (x, a) -> x.get(0).unsqueeze(a.i("dim")));
        op("flatten", (x, a) -> a.has("startDim") ? x.get(0).flatten(a.i("startDim")) : x.get(0).flatten());
        op("unflatten", (x, a) -> x.get(0).unflatten(a.i("dim"), a.longs("sizes")));
        op("expand", (x, a) -> x.get(0).expand(a.longs("shape")));
        op("narrow", (x, a) -> x.get(0).narrow(a.i("dim"), a.l("start"), a.l("length")));
        op("select", (x, a) -> x.get(0).select(a.i("dim"), a.l("index")));
        op("slice", (x, a) -> x.get(0).slice(a.i("dim"), a.l("start"), a.l("end"), a.l("step")));
        op("chunk", (x, a) -> x.get(0).chunk(a.i("chunks"), a.i("dim")));
        op("split", (x, a) -> x.get(0).split(a.l("size"), a.i("dim")));
        op("split.sizes", (x, a) -> x.get(0).split(a.longs("sizes"), a.i("dim")));
        op("unbind", (x, a) -> x.get(0).unbind(a.i("dim")));
        op("cat", (x, a) -> Tensor.cat(x, a.i("dim")));
        op("stack", (x, a) -> Tensor.stack(x, a.i("dim")));
        op("contiguous", (x, a) -> x.get(0).contiguous());
        op("clone", (x, a) -> x.get(0).clone());

        // indexing and sorting
        op("indexSelect", (x, a) -> x.get(0).indexSelect(a.i("dim"), x.get(1)));
        op("gather", (x, a) -> x.get(0).gather(a.i("dim"), x.get(1)));
        op("scatterAdd", (x, a) -> x.get(0).scatterAdd(a.i("dim"), x.get(1), x.get(2)));
        op("indexAdd", (x, a) -> x.get(0).indexAdd(a.i("dim"), x.get(1), x.get(2)));
        op("scatter", (x, a) -> x.get(0).scatter(a.i("dim"), x.get(1), x.get(2)));
        op("scatter.value", (x, a) -> x.get(0).scatter(a.i("dim"), x.get(1), a.d("value")));
        op("maskedFill", (x, a) -> x.get(0).maskedFill(x.get(1), a.d("value")));
        op("maskedSelect", (x, a) -> x.get(0).maskedSelect(x.get(1)));
        op("index", (x, a) -> x.get(0).index(x.get(1)));
        op("index.pair", (x, a) -> x.get(0).index(x.get(1), x.get(2)));
        op("index.second", (x, a) -> x.get(0).index(null, x.get(1)));
        op("indexPut", (x, a) -> x.get(0).indexPut(new Tensor[] {x.get(1)}, x.get(2), a.b("accumulate")));
        op("nonzero", (x, a) -> x.get(0).nonzero());
        op("sort", (x, a) -> x.get(0).sortWithIndices(a.i("dim"), a.b("descending")));
        op("argsort", (x, a) -> x.get(0).argsort(a.i("dim"), a.b("descending")));
        op("topk", (x, a) -> x.get(0).topk(a.l("k"), a.i("dim"), a.b("largest")));
    }
}
