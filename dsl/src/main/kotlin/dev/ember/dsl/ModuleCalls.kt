package dev.ember.dsl

import dev.ember.nn.Module
import dev.ember.tensor.Tensor

/** `model(x)`: calls the module (hooks, then `forward`), like calling an `nn.Module` in Python. */
operator fun Module.invoke(input: Tensor): Tensor = call(input)

/** `module(x, y)` for modules taking several inputs. */
operator fun Module.invoke(vararg inputs: Tensor): Tensor = call(*inputs)
