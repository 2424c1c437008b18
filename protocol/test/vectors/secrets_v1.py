#!/usr/bin/env python3
"""Golden vector for protocol/secrets (format v1), computed outside TypeScript: ristretto255 from libsodium
(ctypes), HKDF-SHA256 and ChaCha20-Poly1305 from pyca/cryptography. Writes secrets_v1.json next to itself.
Also splits the group secret 2-of-3 with a fixed polynomial and combines two partials s_i·E with Lagrange
coefficients, so the TypeScript combination is checked against an independent one."""
import ctypes, ctypes.util, hashlib, json, os
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes

sodium = ctypes.CDLL(ctypes.util.find_library('sodium') or 'libsodium.so.23')
assert sodium.sodium_init() >= 0
L = 2**252 + 27742317777372353535851937790883648493

def buf(n): return (ctypes.c_ubyte * n)()
def reduce64(b):
    out = buf(32); sodium.crypto_core_ristretto255_scalar_reduce(out, (ctypes.c_ubyte * 64)(*b)); return bytes(out)
def base(s):
    out = buf(32); assert sodium.crypto_scalarmult_ristretto255_base(out, (ctypes.c_ubyte * 32)(*s)) == 0; return bytes(out)
def mul(s, p):
    out = buf(32); assert sodium.crypto_scalarmult_ristretto255(out, (ctypes.c_ubyte * 32)(*s), (ctypes.c_ubyte * 32)(*p)) == 0; return bytes(out)
def add(p, q):
    out = buf(32); assert sodium.crypto_core_ristretto255_add(out, (ctypes.c_ubyte * 32)(*p), (ctypes.c_ubyte * 32)(*q)) == 0; return bytes(out)
def le(n): return (n % L).to_bytes(32, 'little')
def num(b): return int.from_bytes(b, 'little')

group_wide = hashlib.sha512(b'outlayer-mesh/golden/group').digest()
eph_wide = hashlib.sha512(b'outlayer-mesh/golden/ephemeral').digest()
nonce = hashlib.sha256(b'outlayer-mesh/golden/nonce').digest()[:12]
s = reduce64(group_wide); P = base(s)
r = reduce64(eph_wide); E = base(r); shared = mul(r, P)
owner, accessor, profile = 'alice.test', 'wasm:' + hashlib.sha256(b'golden wasm').hexdigest(), 'default'
plaintext = b'{"API_KEY":"sk-golden-123","SALT":"pepper"}'

def lp8(b): return bytes([len(b)]) + b
label = b'outlayer-mesh/secrets/v1\x00' + lp8(owner.encode()) + len(accessor).to_bytes(2, 'big') + accessor.encode() + lp8(profile.encode())
key = HKDF(algorithm=hashes.SHA256(), length=32, salt=E + P, info=label).derive(shared)
header = bytes([1]) + E + nonce
blob = header + ChaCha20Poly1305(key).encrypt(nonce, plaintext, header)

# 2-of-3 split s(x) = s + a1·x, partials D_i = s_i·E for members 1 and 3, combined at 0
a1 = num(hashlib.sha512(b'outlayer-mesh/golden/a1').digest()) % L
shares = {i: (num(s) + a1 * i) % L for i in (1, 2, 3)}
def lam(i, ids):
    n, d = 1, 1
    for j in ids:
        if j != i: n, d = n * j % L, d * (j - i) % L
    return n * pow(d, -1, L) % L
ids = (1, 3)
combined = None
for i in ids:
    term = mul(le(lam(i, ids)), mul(le(shares[i]), E))
    combined = term if combined is None else add(combined, term)
assert combined == shared

out = {
    'note': 'computed by secrets_v1.py with libsodium ristretto255 + pyca/cryptography; do not edit by hand',
    'group_secret_wide_hex': group_wide.hex(), 'group_key_hex': P.hex(),
    'ephemeral_wide_hex': eph_wide.hex(), 'nonce_hex': nonce.hex(),
    'owner': owner, 'accessor': accessor, 'profile': profile,
    'plaintext': plaintext.decode(), 'label_hex': label.hex(), 'shared_hex': shared.hex(),
    'blob_hex': blob.hex(),
    'shares': {str(i): le(v).hex() for i, v in shares.items()}, 'combine_ids': list(ids)
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'secrets_v1.json'), 'w') as f:
    json.dump(out, f, indent=2); f.write('\n')
print(blob.hex())
