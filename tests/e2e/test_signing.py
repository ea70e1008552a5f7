"""The suite's and the example client's signing helpers against published test vectors (no server)."""

import importlib.util
import os
import unittest

from harness import REPO, ed25519_public_hex, logon_payload, sign_ed25519, sign_hmac


def example_client():
    spec = importlib.util.spec_from_file_location("ws_client", os.path.join(REPO, "examples", "ws_client.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Signing(unittest.TestCase):
    def test_hmac_sha256_rfc4231_case_2(self):
        self.assertEqual(sign_hmac("Jefe", b"what do ya want for nothing?"),
                         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")

    def test_ed25519_rfc8032_test_1(self):
        seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        self.assertEqual(ed25519_public_hex(seed),
                         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        self.assertEqual(sign_ed25519(seed, b""),
                         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555f"
                         "b8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")

    def test_logon_payload(self):
        self.assertEqual(logon_payload("demo-1", 1763790000000, "k2b9x0c1a7"),
                         b"logon\ndemo-1\n1763790000000\nk2b9x0c1a7")

    def test_demo_keys_of_the_embedded_defaults(self):
        self.assertEqual(ed25519_public_hex(bytes([1]) * 32),
                         "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")
        self.assertEqual(ed25519_public_hex(bytes([2]) * 32),
                         "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394")

    def test_example_client_signs_like_the_suite(self):
        client = example_client()
        payload = logon_payload("demo-1", 1763790000000, "k2b9x0c1a7")
        self.assertEqual(client.sign(payload, seed_hex="01" * 32, hmac_secret=None),
                         sign_ed25519(bytes([1]) * 32, payload))
        self.assertEqual(client.sign(payload, seed_hex=None, hmac_secret="demo-hmac-secret"),
                         sign_hmac("demo-hmac-secret", payload))


if __name__ == "__main__":
    unittest.main()
