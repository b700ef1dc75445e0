package dev.ember.dsl

/**
 * Marks Ember's builder receivers so an inner block cannot silently call an outer builder's
 * layer functions (a `linear(10)` inside a nested block adds to the nested block only).
 */
@DslMarker
@Target(AnnotationTarget.CLASS, AnnotationTarget.TYPE)
annotation class EmberDsl
