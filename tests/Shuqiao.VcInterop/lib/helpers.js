// Shared pieces of the interoperability suite: the Shuqiao CLI, a local document loader (bundled contexts and
// did:key resolution; nothing is ever fetched from the network) and the Digital Bazaar suites.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createSignCryptosuite, createVerifyCryptosuite} from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

const here = dirname(fileURLToPath(import.meta.url));
export const root = process.env.SHUQIAO_ROOT ?? join(here, '..', '..', '..');
export const work = mkdtempSync(join(tmpdir(), 'shuqiao-interop-'));

export function fixture(name) {
  return JSON.parse(readFileSync(join(here, '..', 'fixtures', name), 'utf8'));
}

/** The built CLI (Release as ./test builds it; Debug for a developer's own build). */
function cliCommand() {
  if(process.env.SHUQIAO_CLI) {
    return [process.env.SHUQIAO_CLI, []];
  }
  for(const configuration of ['Release', 'Debug']) {
    const dll = join(root, 'src', 'Shuqiao.Cli', 'bin', configuration, 'net10.0', 'shuqiao.dll');
    if(existsSync(dll)) {
      return ['dotnet', [dll]];
    }
  }
  throw new Error('The Shuqiao CLI is not built: dotnet build src/Shuqiao.Cli -c Release');
}

/** Runs `shuqiao …`; returns {status, stdout, stderr} without throwing on a non-zero exit. */
export function shuqiao(...args) {
  const [command, prefix] = cliCommand();
  try {
    const stdout = execFileSync(command, [...prefix, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
    return {status: 0, stdout, stderr: ''};
  } catch(e) {
    return {status: e.status, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? ''};
  }
}

export function write(name, content) {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';
const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';

/** Extra documents the loader serves (e.g. a status list credential under its URL). */
export const served = new Map();

/**
 * The document loader: the W3C VC contexts bundled with @digitalbazaar/credentials-context, did:key documents and
 * verification methods built from the key itself, and documents a test registered in `served`. Anything else is
 * refused: contexts are never fetched.
 */
export async function documentLoader(url) {
  if(credentialContexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: credentialContexts.get(url)};
  }
  if(served.has(url)) {
    return {contextUrl: null, documentUrl: url, document: served.get(url)};
  }
  if(url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#');
    const key = did.slice('did:key:'.length);
    const method = {'@context': MULTIKEY_CONTEXT, id: `${did}#${key}`, type: 'Multikey', controller: did, publicKeyMultibase: key};
    if(fragment) {
      return {contextUrl: null, documentUrl: url, document: method};
    }
    const document = {
      '@context': [DID_CONTEXT, MULTIKEY_CONTEXT], id: did, verificationMethod: [method],
      assertionMethod: [method.id], authentication: [method.id]
    };
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`the local document loader refuses ${url}`);
}

/** An ecdsa-jcs-2019 suite that signs with a key pair in the W3C vectors' multikey form. */
export async function signingSuite(keyPair) {
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  const key = await EcdsaMultikey.from({
    '@context': MULTIKEY_CONTEXT, type: 'Multikey', id: `${did}#${keyPair.publicKeyMultibase}`, controller: did,
    publicKeyMultibase: keyPair.publicKeyMultibase, secretKeyMultibase: keyPair.secretKeyMultibase
  });
  return {did, suite: new DataIntegrityProof({signer: key.signer(), cryptosuite: createSignCryptosuite()})};
}

export const verifyingSuite = () => new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
