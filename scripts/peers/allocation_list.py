#!/usr/bin/env python3
"""Peer of `cletrial allocation list`: the permuted-block list regenerated from the protocol's
[randomisation] section and the secret with Python's own hmac and hashlib, written from the
algorithm as crates/protocol/src/allocation documents it, not from its code.

    allocation_list.py PROTOCOL.toml SECRET_FILE BLOCKS

Random numbers: HMAC-SHA256 keyed with the 32-byte secret over
b"cletrial allocation v1" 0 label 0 ... label 0 counter(8 bytes, big-endian); each output is four
64-bit big-endian numbers. A number below n: x drawn again while x >= M - M % n (M = 2**64 - 1),
then x % n. Block b of a stratum: stream ("blocks", stratum, b); its
multiple is multiples[below(len)]; its arms each ratio*multiple times in arm order, shuffled by
Fisher-Yates from the last place down (j = below(i + 1)). Prints the CSV the command prints.
"""
import csv
import hashlib
import hmac
import itertools
import sys
import tomllib

U64_MAX = 2**64 - 1


class Draws:
    def __init__(self, secret, labels):
        self.prefix = b"cletrial allocation v1" + b"".join(b"\0" + label.encode() for label in labels) + b"\0"
        self.secret = secret
        self.block = 0
        self.buffer = []

    def next_u64(self):
        if not self.buffer:
            digest = hmac.new(self.secret, self.prefix + self.block.to_bytes(8, "big"), hashlib.sha256).digest()
            self.buffer = [int.from_bytes(digest[i:i + 8], "big") for i in range(0, 32, 8)]
            self.block += 1
        return self.buffer.pop(0)

    def below(self, n):
        limit = U64_MAX - U64_MAX % n
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], "rb") as handle:
        spec = tomllib.load(handle)["randomisation"]
    secret = bytes.fromhex(open(argv[2], encoding="ascii").read().strip())
    blocks = int(argv[3])
    arms = spec["arms"]
    factors = spec.get("factors", [])
    multiples = spec["block_multiples"]
    if factors:
        strata = [";".join(f"{f['name']}={level}" for f, level in zip(factors, combination))
                  for combination in itertools.product(*(f["levels"] for f in factors))]
    else:
        strata = ["all"]
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["stratum", "block", "block_size", "place", "arm", "arm_label"])
    for stratum in strata:
        for number in range(blocks):
            draws = Draws(secret, ["blocks", stratum, str(number)])
            multiple = multiples[draws.below(len(multiples))]
            order = [i for i, arm in enumerate(arms) for _ in range(arm.get("ratio", 1) * multiple)]
            for i in range(len(order) - 1, 0, -1):
                j = draws.below(i + 1)
                order[i], order[j] = order[j], order[i]
            for place, arm in enumerate(order):
                out.writerow([stratum, number + 1, len(order), place + 1, arms[arm]["code"], arms[arm]["label"]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
