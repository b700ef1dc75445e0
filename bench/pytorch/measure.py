"""Warm-up until steady, then repeated timing of one call: Measurement.java's procedure in Python.

Warm-up: calls for at least settings.warm_up_ns, then in windows of about settings.repeat_ns (at
least MIN_WINDOW_CALLS calls each) until three windows in a row fail to beat the fastest window so far by 10 %,
or settings.max_warm_up_ns has passed. Each repeat then times as many calls as fill
settings.repeat_ns at the last window's speed; the result is nanoseconds per call for each repeat.
"""
import time

STEADY_WINDOWS = 3
IMPROVEMENT = 0.9
MIN_WINDOW_CALLS = 10  # see Measurement.java: one-call windows ended a JIT's warm-up too early


def _calls_filling(nanos, per_call):
    return max(1, round(nanos / per_call))


def _time_per_call(call, calls):
    start = time.perf_counter_ns()
    for _ in range(calls):
        call()
    return (time.perf_counter_ns() - start) / calls


def per_call_nanos(settings, call):
    start = time.perf_counter_ns()
    calls = 0
    while True:
        call()
        calls += 1
        if time.perf_counter_ns() - start >= settings.warm_up_ns:
            break
    estimate = (time.perf_counter_ns() - start) / calls
    fastest = float("inf")
    windows_without_gain = 0
    while windows_without_gain < STEADY_WINDOWS and time.perf_counter_ns() - start < settings.max_warm_up_ns:
        estimate = _time_per_call(call, max(MIN_WINDOW_CALLS, _calls_filling(settings.repeat_ns, estimate)))
        windows_without_gain = 0 if estimate < IMPROVEMENT * fastest else windows_without_gain + 1
        fastest = min(fastest, estimate)
    per_repeat = _calls_filling(settings.repeat_ns, estimate)
    return [_time_per_call(call, per_repeat) for _ in range(settings.repeats)]
