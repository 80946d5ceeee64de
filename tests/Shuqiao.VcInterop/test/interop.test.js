// Shuqiao's licence credentials against independent implementations: Digital Bazaar's @digitalbazaar/vc with the
// ecdsa-jcs-2019 cryptosuite, and panva's jose for vc+jwt. Each direction: they verify what Shuqiao signs, and
// Shuqiao verifies what they sign. Offline: contexts are bundled, did:key is resolved from the key itself.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import * as vc from '@digitalbazaar/vc';
import {decodeList} from '@digitalbazaar/vc-bitstring-status-list';
import * as jose from 'jose';
import {base58btc} from '../lib/base58.js';
import {documentLoader, fixture, served, shuqiao, signingSuite, verifyingSuite, write} from '../lib/helpers.js';

const shuqiaoKeys = JSON.parse(shuqiao('credential', 'keygen', '--sm2').stdout);
const shuqiaoKeyFile = write('shuqiao-key.json', shuqiaoKeys);
const shuqiaoDid = `did:key:${shuqiaoKeys.publicKeyMultibase}`;
const unsignedLicence = () => ({...fixture('licence.json'), issuer: {id: shuqiaoDid, name: '示范市民政局'}});

function shuqiaoSign(credential, ...options) {
  const result = shuqiao('credential', 'sign', write(`unsigned-${Math.random()}.json`, credential), '--key', shuqiaoKeyFile, ...options);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function shuqiaoVerify(text, ...options) {
  const result = shuqiao('credential', 'verify', write(`check-${Math.random()}.txt`, text), '--json', ...options);
  return {status: result.status, verdict: JSON.parse(result.stdout)};
}

test('@digitalbazaar/vc verifies a licence Shuqiao signed with ecdsa-jcs-2019', async () => {
  const credential = JSON.parse(shuqiaoSign(unsignedLicence()));
  const result = await vc.verifyCredential({credential, suite: verifyingSuite(), documentLoader});
  assert.equal(result.verified, true, JSON.stringify(result.error ?? result.results, null, 2));
});

test('@digitalbazaar/vc verifies a licence that also carries Shuqiao\'s SM2 proof (it skips the proof it does not know)', async () => {
  const credential = JSON.parse(shuqiaoSign(unsignedLicence(), '--sm2'));
  assert.equal(credential.proof.length, 2);
  assert.equal(credential.proof[1].cryptosuite, 'shuqiao-sm2-jcs-2025');
  const result = await vc.verifyCredential({credential, suite: verifyingSuite(), documentLoader});
  assert.equal(result.verified, true, JSON.stringify(result.error ?? result.results, null, 2));
  // ...and Shuqiao checks both proofs of it, the SM2 key bound to the issuer by the trust list.
  const trustList = write('trust-list.json', {issuers: [{did: shuqiaoDid, name: '示范市民政局', sm2Keys: [shuqiaoKeys.sm2PublicKeyMultibase]}]});
  const {status, verdict} = shuqiaoVerify(JSON.stringify(credential), '--trust-list', trustList);
  assert.equal(status, 0, JSON.stringify(verdict, null, 2));
  assert.equal(verdict.results.find(r => r.check === 'nationalSignature').outcome, 'Passed');
});

test('@digitalbazaar/vc rejects a licence Shuqiao signed once a claim is changed', async () => {
  const credential = JSON.parse(shuqiaoSign(unsignedLicence()));
  credential.credentialSubject.holderName = '王五';
  const result = await vc.verifyCredential({credential, suite: verifyingSuite(), documentLoader});
  assert.equal(result.verified, false);
});

test('jose verifies the vc+jwt Shuqiao signed (ES256, typ vc+jwt, kid the issuer key)', async () => {
  const jwt = shuqiaoSign(unsignedLicence(), '--format', 'jwt').trim();
  const bytes = base58btc.decode(shuqiaoKeys.publicKeyMultibase.slice(1)).slice(2); // drop the p256-pub varint 0x8024
  const x = bytes.slice(1);
  const key = await jose.importJWK(await compressedToJwk(bytes), 'ES256');
  const {payload, protectedHeader} = await jose.jwtVerify(jwt, key, {typ: 'vc+jwt'});
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(protectedHeader.kid, `${shuqiaoDid}#${shuqiaoKeys.publicKeyMultibase}`);
  assert.equal(payload.credentialSubject.holderName, '张三');
  assert.equal(payload.issuer.id, shuqiaoDid);
  assert.ok(x.length === 32);
});

test('Shuqiao verifies a licence @digitalbazaar/vc issued with ecdsa-jcs-2019', async () => {
  const keyPair = fixture('p256KeyPair.json');
  const {did, suite} = await signingSuite(keyPair);
  const credential = await vc.issue({credential: {...fixture('licence.json'), issuer: did}, suite, documentLoader});
  const {status, verdict} = shuqiaoVerify(JSON.stringify(credential), '--trust', did);
  assert.equal(status, 0, JSON.stringify(verdict, null, 2));
  assert.equal(verdict.credential.holderName, '张三');
});

test('Shuqiao rejects a @digitalbazaar/vc credential with a changed claim, an untrusted issuer or an unknown context, each with its own code', async () => {
  const {did, suite} = await signingSuite(fixture('p256KeyPair.json'));
  const credential = await vc.issue({credential: {...fixture('licence.json'), issuer: did}, suite, documentLoader});

  const changed = structuredClone(credential);
  changed.credentialSubject.claims[0].value = '王五';
  assert.equal(shuqiaoVerify(JSON.stringify(changed), '--trust', did).verdict.failureCode, 'signature.invalid');

  assert.equal(shuqiaoVerify(JSON.stringify(credential), '--trust', 'did:key:zDnaeSomebodyElse').verdict.failureCode, 'issuer.untrusted');

  const context = structuredClone(credential);
  context['@context'].push('https://www.w3.org/ns/credentials/examples/v2');
  assert.equal(shuqiaoVerify(JSON.stringify(context), '--trust', did).verdict.failureCode, 'context.unknown');
});

test('Shuqiao verifies a vc+jwt jose signed, and rejects it when the payload is swapped', async () => {
  const {publicKey, privateKey} = await jose.generateKeyPair('ES256', {extractable: true});
  const jwk = await jose.exportJWK(publicKey);
  const did = `did:key:${multikeyOf(jwk)}`;
  const credential = {...fixture('licence.json'), issuer: did};
  const jwt = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(credential)))
    .setProtectedHeader({alg: 'ES256', typ: 'vc+jwt', cty: 'vc', kid: `${did}#${multikeyOf(jwk)}`})
    .sign(privateKey);
  const verified = shuqiaoVerify(jwt, '--trust', did);
  assert.equal(verified.status, 0, JSON.stringify(verified.verdict, null, 2));
  assert.equal(verified.verdict.format, 'vc+jwt');

  const [header, , signature] = jwt.split('.');
  const forged = `${header}.${jose.base64url.encode(JSON.stringify({...credential, name: '伪造证'}))}.${signature}`;
  assert.equal(shuqiaoVerify(forged, '--trust', did).verdict.failureCode, 'signature.invalid');
});

test('a status list Shuqiao encodes and signs verifies with @digitalbazaar/vc and decodes to the same bits', async () => {
  const url = 'https://data.example.gov.cn/credentials/status/0196f3a0-7c1e-7000-8000-000000000001';
  const unsigned = shuqiao('credential', 'status-list', '--id', url, '--issuer', shuqiaoDid, '--set', '0', '--set', '94567', '--set', '131071');
  assert.equal(unsigned.status, 0, unsigned.stderr);
  const listCredential = JSON.parse(shuqiaoSign(JSON.parse(unsigned.stdout)));
  const result = await vc.verifyCredential({credential: listCredential, suite: verifyingSuite(), documentLoader});
  assert.equal(result.verified, true, JSON.stringify(result.error ?? result.results, null, 2));

  const list = await decodeList({encodedList: listCredential.credentialSubject.encodedList});
  assert.equal(list.length, 131072);
  for(const index of [0, 94567, 131071]) {
    assert.equal(list.getStatus(index), true, `bit ${index}`);
  }
  assert.equal(list.getStatus(1), false);
  assert.equal(list.getStatus(94566), false);
  served.set(url, listCredential);
});

/** A P-256 JWK as a did:key multibase (multicodec p256-pub, compressed point). */
function multikeyOf(jwk) {
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  const compressed = Buffer.concat([Buffer.from([0x80, 0x24, (y[y.length - 1] & 1) ? 0x03 : 0x02]), x]);
  return 'z' + base58btc.encode(compressed);
}

/** The JWK of a compressed P-256 point, decompressed with Node's crypto. */
async function compressedToJwk(compressed) {
  const {createPublicKey} = await import('node:crypto');
  const spkiPrefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
  const key = createPublicKey({key: Buffer.concat([spkiPrefix, Buffer.from(compressed)]), format: 'der', type: 'spki'});
  return key.export({format: 'jwk'});
}
