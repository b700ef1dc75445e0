package dev.ember.dsl

import dev.ember.devices.DType
import dev.ember.nn.Linear
import dev.ember.nn.Module
import dev.ember.optim.SGD
import dev.ember.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.nio.file.Files

private class Scaled : KModule() {
    val plainLayer = Linear(3, 3)
    val hiddenLayer by linear(3, 2)
    val scale by parameter(Tensor.ones(2))
    val offset by parameter(Tensor.zeros(2), requiresGrad = false)
    val runningTotal by buffer(Tensor.zeros(2))
    val scratch by buffer(Tensor.zeros(4), persistent = false)
    override fun forward(input: Tensor): Tensor = hiddenLayer(plainLayer(input)) * scale + offset
}

private class Outer : KModule() {
    val inner by Scaled()
    var head: Module by linear(2, 1)
    override fun forward(input: Tensor): Tensor = head(inner(input))
}

/** Delegation works on any Module subclass, not only KModule. */
private class JavaStyle : Module() {
    val gate by parameter(Tensor.full(0.5f.toDouble(), 1))
}

class ModuleDelegatesSpec : FunSpec({
    test("delegated names follow the snake_case rule of plain fields, which come first") {
        val model = Scaled()
        // Own parameters first, then each child's, as in PyTorch; plain fields before delegated ones.
        model.namedParameters().keys.toList() shouldBe listOf(
            "scale", "offset", "plain_layer.weight", "plain_layer.bias", "hidden_layer.weight", "hidden_layer.bias")
        model.namedBuffers().keys.toList() shouldBe listOf("running_total", "scratch")
        model.stateDict().keys.toList() shouldBe listOf(
            "scale", "offset", "running_total", "plain_layer.weight", "plain_layer.bias", "hidden_layer.weight", "hidden_layer.bias")
        model.offset.requiresGrad() shouldBe false
        model.scale.requiresGrad() shouldBe true
        JavaStyle().namedParameters().keys.toList() shouldBe listOf("gate")
        attributeName("convHTTPLayer") shouldBe "conv_http_layer"
        attributeName("fc1") shouldBe "fc1"
    }

    test("properties read the current registration: dtype moves and var assignments are seen") {
        val outer = Outer()
        val firstHead = outer.head
        outer.to(DType.FLOAT64)
        outer.inner.scale.dtype() shouldBe DType.FLOAT64
        outer.inner.runningTotal.dtype() shouldBe DType.FLOAT64
        outer.inner.scale shouldBeSameInstanceAs outer.getParameter("inner.scale")
        outer.head shouldBeSameInstanceAs firstHead
        outer.head = Linear(2, 1, false).to(DType.FLOAT64)
        outer.namedParameters().keys.filter { it.startsWith("head") } shouldBe listOf("head.weight")
        outer.namedChildren().keys.toList() shouldBe listOf("inner", "head")
        outer(Tensor.randn(DType.FLOAT64, 4, 3)).dims() shouldBe listOf(4L, 1L)
    }

    test("save and load round-trip every delegated parameter and persistent buffer") {
        Tensor.manualSeed(1)
        val saved = Outer()
        saved.inner.runningTotal.fill_(3.0)
        val path = Files.createTempFile("ember-kmodule", ".safetensors")
        try {
            saved.save(path)
            Tensor.manualSeed(2)
            val loaded = Outer()
            loaded.inner.hiddenLayer.weight.floats() shouldBe loaded.inner.hiddenLayer.weight.floats()
            (loaded.inner.hiddenLayer.weight.floats() == saved.inner.hiddenLayer.weight.floats()) shouldBe false
            loaded.load(path)
            for ((name, value) in saved.stateDict()) loaded.stateDict().getValue(name).floats() shouldBe value.floats()
            loaded.inner.runningTotal.floats() shouldBe listOf(3f, 3f)
            val x = Tensor.randn(5, 3)
            loaded(x).floats() shouldBe saved(x).floats()
        } finally {
            Files.deleteIfExists(path)
        }
    }

    test("an optimizer given parameters() updates the delegated parameters") {
        val model = Scaled()
        val optimizer = SGD(model.parameters(), 0.5)
        val before = model.scale.floats()
        val hiddenBefore = model.hiddenLayer.weight.floats()
        model(Tensor.ones(1, 3)).sum().backward()
        val gradient = model.scale.grad().floats()
        optimizer.step()
        model.scale.floats() shouldBe before.zip(gradient).map { (p, g) -> p - 0.5f * g }
        (model.hiddenLayer.weight.floats() == hiddenBefore) shouldBe false
        model.offset.grad() shouldBe null
    }
})
