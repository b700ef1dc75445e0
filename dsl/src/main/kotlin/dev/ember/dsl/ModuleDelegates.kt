package dev.ember.dsl

import dev.ember.nn.Module
import dev.ember.nn.Parameter
import dev.ember.tensor.Tensor
import kotlin.properties.ReadWriteProperty
import kotlin.reflect.KProperty

/*
 * Registration by delegated properties: in a Module subclass written in Kotlin, `by` registers a
 * child module, a parameter or a buffer under the property's name, so state dicts get PyTorch's
 * keys:
 *
 *     class Net : KModule() {
 *         val fc1 by linear(784, 128)          // registered as "fc1": state dict keys fc1.weight, fc1.bias
 *         val scale by parameter(ones(10))     // "scale"
 *         val mask by buffer(ones(10))         // "mask", saved in state dicts
 *         override fun forward(x: Tensor) = fc1(x).relu() * scale
 *     }
 *
 * Names follow the rule Module applies to Java fields: camelCase becomes PyTorch's snake_case
 * (`hiddenLayer` is `hidden_layer`), so a delegated property and a plain field of the same name
 * register alike. Reading the property asks the module for the current value, so it sees
 * replacements such as `to(DType.FLOAT64)` making new parameters; a `var` re-registers on
 * assignment. Delegated members come after plain fields in registration order (parameters,
 * state dicts), in declaration order among themselves.
 */

/** Registers this module as a child of `thisRef` under the property's name: `val encoder by Encoder()`. */
operator fun <M : Module> M.provideDelegate(thisRef: Module, property: KProperty<*>): ModuleProperty<M> {
    val name = attributeName(property.name)
    thisRef.registerModule(name, this)
    return ModuleProperty(name)
}

/** The delegate of a child-module property; reads and writes the module's registration. */
class ModuleProperty<M : Module> internal constructor(
    /** The registered name. */
    val name: String,
) : ReadWriteProperty<Module, M> {
    @Suppress("UNCHECKED_CAST")
    override fun getValue(thisRef: Module, property: KProperty<*>): M = thisRef.getSubmodule(name) as M

    override fun setValue(thisRef: Module, property: KProperty<*>, value: M) {
        thisRef.registerModule(name, value)
    }
}

/**
 * A parameter to register by delegation: `val bias by parameter(zeros(10))`. A plain tensor
 * becomes a [Parameter] that requires a gradient (unless `requiresGrad` is false); a
 * [Parameter] is registered as it is.
 */
fun parameter(data: Tensor, requiresGrad: Boolean = true): ParameterRegistration =
    ParameterRegistration(if (data is Parameter) data else Parameter(data, requiresGrad))

/** Registers its parameter under the property's name when used with `by` (see [parameter]). */
class ParameterRegistration internal constructor(private val parameter: Parameter) {
    operator fun provideDelegate(thisRef: Module, property: KProperty<*>): ParameterProperty {
        val name = attributeName(property.name)
        thisRef.registerParameter(name, parameter)
        return ParameterProperty(name)
    }
}

/** The delegate of a parameter property; reads and writes the module's registration. */
class ParameterProperty internal constructor(
    /** The registered name. */
    val name: String,
) : ReadWriteProperty<Module, Parameter> {
    override fun getValue(thisRef: Module, property: KProperty<*>): Parameter = thisRef.getParameter(name)

    override fun setValue(thisRef: Module, property: KProperty<*>, value: Parameter) {
        thisRef.registerParameter(name, value)
    }
}

/**
 * A buffer to register by delegation: `val runningMean by buffer(zeros(10))`. A persistent buffer
 * is saved in state dicts; `persistent = false` keeps it out (it still moves with `to`).
 */
fun buffer(data: Tensor, persistent: Boolean = true): BufferRegistration = BufferRegistration(data, persistent)

/** Registers its buffer under the property's name when used with `by` (see [buffer]). */
class BufferRegistration internal constructor(private val data: Tensor, private val persistent: Boolean) {
    operator fun provideDelegate(thisRef: Module, property: KProperty<*>): BufferProperty {
        val name = attributeName(property.name)
        thisRef.registerBuffer(name, data, persistent)
        return BufferProperty(name, persistent)
    }
}

/** The delegate of a buffer property; reads and writes the module's registration. */
class BufferProperty internal constructor(
    /** The registered name. */
    val name: String,
    private val persistent: Boolean,
) : ReadWriteProperty<Module, Tensor> {
    override fun getValue(thisRef: Module, property: KProperty<*>): Tensor = thisRef.getBuffer(name)

    override fun setValue(thisRef: Module, property: KProperty<*>, value: Tensor) {
        thisRef.registerBuffer(name, value, persistent)
    }
}

/**
 * PyTorch's attribute style for a Kotlin property name, the same rule Module applies to Java
 * fields: `runningMean` is `running_mean`, `fc1` stays `fc1`, `convHTTPLayer` is `conv_http_layer`.
 */
internal fun attributeName(name: String): String = buildString(name.length + 4) {
    for (i in name.indices) {
        val c = name[i]
        if (c.isUpperCase()) {
            val afterLower = i > 0 && (name[i - 1].isLowerCase() || name[i - 1].isDigit())
            val acronymEnd = i > 0 && name[i - 1].isUpperCase() && i + 1 < name.length && name[i + 1].isLowerCase()
            if (afterLower || acronymEnd) append('_')
            append(c.lowercaseChar())
        } else {
            append(c)
        }
    }
}
