"""Sums a PyTorch profiler Chrome trace (DJL's JniUtils.stopProfile, or torch.autograd.profiler's
export_chrome_trace) by operator: self time (an event's duration less that of the events nested in it on
the same thread), call count, and the share of the total. Usage: op_profile.py TRACE.json [TOP] [--shapes]
(--shapes: by operator and input shapes, for traces recorded with shapes)."""
import json
import sys
from collections import defaultdict


def main():
    path = sys.argv[1]
    rest = [a for a in sys.argv[2:] if a != "--shapes"]
    top = int(rest[0]) if rest else 25
    shapes = "--shapes" in sys.argv
    with open(path) as f:
        text = f.read().strip()
    if text.endswith(","):
        text = text[:-1]
    if not text.endswith("]"):
        text += "]"
    data = json.loads(text)
    events = data["traceEvents"] if isinstance(data, dict) else data
    events = [e for e in events if e.get("ph") == "X"]
    for e in events:
        if shapes:
            dims = e.get("shape") or e.get("args", {}).get("Input Dims") or []
            e["name"] = e["name"] + " " + str([d for d in dims if d])
    by_thread = defaultdict(list)
    for e in events:
        by_thread[e.get("tid")].append(e)
    self_us = defaultdict(float)
    calls = defaultdict(int)
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in evs:
            start, end = e["ts"], e["ts"] + e["dur"]
            while stack and stack[-1][1] <= start:
                stack.pop()
            if stack:
                self_us[stack[-1][0]] -= e["dur"]
            self_us[e["name"]] += e["dur"]
            calls[e["name"]] += 1
            stack.append((e["name"], end))
    total = sum(self_us.values())
    print("total self time %.1f ms over %d events" % (total / 1000, len(events)))
    for name, us in sorted(self_us.items(), key=lambda kv: -kv[1])[:top]:
        print("%-45s %9.1f ms %6.1f %% %6d calls" % (name, us / 1000, 100 * us / total, calls[name]))


if __name__ == "__main__":
    main()
