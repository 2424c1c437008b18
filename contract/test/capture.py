#!/usr/bin/env python3
"""Cost of capture (contract/README.md): the probability that an attacker holding a share s of the eligible pool's
bond, split into k sybil workers, is drawn into at least Q of the R primary slots by the contract's bond-weighted
sampling without replacement. Honest bond: H equal workers. Exact recursion over (honest left, sybils left)."""
from functools import lru_cache

def capture(R, Q, H, k, sybil_bond, honest_bond=1.0):
    @lru_cache(None)
    def p(draws, h, a, got):
        if got >= Q: return 1.0
        if draws == 0 or got + draws < Q: return 0.0
        wa, wh = a * sybil_bond, h * honest_bond
        total = wa + wh
        out = 0.0
        if a: out += wa / total * p(draws - 1, h, a - 1, got + 1)
        if h: out += wh / total * p(draws - 1, h - 1, a, got)
        return out
    return p(R, H, k, 0)

def share_for(R, Q, H, k, target):
    lo, hi = 0.0, 0.999
    for _ in range(60):
        mid = (lo + hi) / 2
        b = mid * H / (k * (1 - mid))  # sybil bond giving the attacker share `mid`
        if capture(R, Q, H, k, b) < target: lo = mid
        else: hi = mid
    return hi

if __name__ == "__main__":
    H = 20
    print("test case: 4 honest, 2 sybils, equal bonds, R=3 Q=2:", round(capture(3, 2, 4, 2, 1.0), 4))
    print("\n| R, Q | attacker share of bond | P(holds >= Q slots), k = Q sybils | k = 10 sybils |")
    print("| --- | --- | --- | --- |")
    for R, Q in [(3, 2), (5, 3), (7, 4)]:
        for s in [0.05, 0.10, 0.20, 0.33, 0.50]:
            row = []
            for k in [Q, 10]:
                b = s * H / (k * (1 - s))
                row.append("%.4f" % capture(R, Q, H, k, b))
            print("| %d, %d | %d %% | %s | %s |" % (R, Q, round(s * 100), row[0], row[1]))
    print("\n| R, Q | share of pool bond needed for P = 1 % | P = 10 % | P = 50 % |")
    print("| --- | --- | --- | --- |")
    for R, Q in [(3, 2), (5, 3), (7, 4)]:
        cells = ["%.1f %%" % (100 * share_for(R, Q, H, 10, t)) for t in (0.01, 0.10, 0.50)]
        print("| %d, %d | %s |" % (R, Q, " | ".join(cells)))
