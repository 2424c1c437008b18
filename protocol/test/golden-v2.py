#!/usr/bin/env python3
"""Digest v2 and commit golden vectors, computed from protocol/README.md's layout with hashlib only (no TypeScript)."""
import hashlib, struct

def h(b): return hashlib.sha256(b).digest()
def short(s):
    b = s.encode()
    assert 1 <= len(b) <= 64
    return bytes([len(b)]) + b

def digest_v2(network, contract, request_id, data_id, input_hash, seed, worker, code_hash, success, output, error, instructions, transcript):
    return h(b"outlayer-mesh/attestation/v2" + b"\x00" + short(network) + short(contract) + struct.pack("<Q", request_id)
             + bytes.fromhex(data_id) + bytes.fromhex(input_hash) + bytes.fromhex(seed) + short(worker)
             + bytes.fromhex(code_hash) + bytes([1 if success else 0]) + h(output) + h(error.encode())
             + struct.pack("<Q", instructions) + bytes.fromhex(transcript))

d = digest_v2("localnet", "outlayer.test.near", 42, "11" * 32, h(b'{"a":1}').hex(), "22" * 32, "worker-0.test.near",
              "ab" * 32, True, b'{"numbers":[1,2,3]}', "", 1234567, h(b"").hex())
salt = h(b"outlayer-mesh/commit-salt/v1" + b"\x00" + bytes([7]) * 32 + struct.pack("<Q", 42))
commit = h(b"outlayer-mesh/commit/v1" + b"\x00" + d + salt)
print("digest", d.hex())
print("salt", salt.hex())
print("commit", commit.hex())
