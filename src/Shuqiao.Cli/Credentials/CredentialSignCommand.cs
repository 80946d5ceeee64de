using Shuqiao.Core.Common;
using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Cli.Credentials;

/// <summary>
/// <c>shuqiao credential keygen</c> and <c>shuqiao credential sign</c>: a P-256 key pair as multikeys (the W3C test
/// vectors' format) and Shuqiao's signing code run locally — for interoperability tests and trying the formats. A
/// node issues licences itself (status lists, records, keys sealed in its database); this is not issuance.
/// </summary>
internal static class CredentialSignCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command CreateKeygen(CliContext cli)
    {
        var sm2 = new Option<bool>("--sm2") { Description = "Also make an SM2 key (sm2SecretKeyHex, sm2PublicKeyMultibase)" };
        var command = new Command("keygen", "Print a new P-256 key pair as multikeys: {publicKeyMultibase, secretKeyMultibase}") { sm2 };
        command.SetAction(parse =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var parameters = key.ExportParameters(includePrivateParameters: true);
            var json = new JsonObject
            {
                ["publicKeyMultibase"] = Multikey.FromP256(parameters).Multibase,
                ["secretKeyMultibase"] = Multikey.EncodeP256Secret(parameters.D),
            };
            if (parse.GetValue(sm2))
            {
                var (secret, publicKey) = NationalCrypto.Instance.Sm2Generate();
                json["sm2SecretKeyHex"] = Convert.ToHexStringLower(secret);
                json["sm2PublicKeyMultibase"] = publicKey.Multibase;
            }

            cli.Out.WriteLine(json.ToJsonString(Indented));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>An unsigned BitstringStatusListCredential with the given bits set, to sign with 'sign' (tests, trying the format).</summary>
    public static Command CreateStatusList(CliContext cli)
    {
        var id = new Option<string>("--id") { Description = "The list credential's URL", Required = true };
        var issuer = new Option<string>("--issuer") { Description = "The issuer DID", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "revocation or suspension", DefaultValueFactory = _ => "revocation" };
        var set = new Option<int[]>("--set") { Description = "Indexes whose bit is set (repeatable)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("status-list", "Print an unsigned Bitstring Status List credential (131,072 entries) with the given bits set") { id, issuer, purpose, set };
        command.SetAction(parse =>
        {
            var list = new BitstringStatusList();
            foreach (var index in parse.GetValue(set) ?? [])
            {
                if (index < 0 || index >= list.Length)
                {
                    return cli.Fail(ExitCodes.Usage, $"index {index} is outside the list (0–{list.Length - 1})");
                }

                list[index] = true;
            }

            var statusPurpose = parse.GetValue(purpose) == "suspension" ? StatusPurpose.Suspension : StatusPurpose.Revocation;
            var credential = LicenceCredential.StatusListCredential(parse.GetRequiredValue(id), parse.GetRequiredValue(issuer), statusPurpose, list, cli.Clock.GetUtcNow(), TimeSpan.FromDays(1));
            cli.Out.WriteLine(credential.ToJsonString(Indented));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateSign(CliContext cli)
    {
        var file = new Argument<FileInfo>("file") { Description = "The unsigned credential (JSON); its issuer is set to the key's did:key when absent" };
        var keyFile = new Option<FileInfo>("--key") { Description = "Key pair file as 'keygen' prints it", Required = true };
        var format = new Option<string>("--format") { Description = "di: Data Integrity ecdsa-jcs-2019 (default); jwt: vc+jwt (ES256)", DefaultValueFactory = _ => "di" };
        var withSm2 = new Option<bool>("--sm2") { Description = "Add the SM2 proof as well (the key file needs sm2SecretKeyHex)" };
        var command = new Command("sign", "Sign a credential locally with a key file (ecdsa-jcs-2019 or vc+jwt)") { file, keyFile, format, withSm2 };
        command.SetAction(async (parse, ct) =>
        {
            var input = parse.GetRequiredValue(file);
            var keys = parse.GetRequiredValue(keyFile);
            if (!input.Exists || !keys.Exists)
            {
                return cli.Fail(ExitCodes.Usage, $"{(input.Exists ? keys : input).FullName} does not exist");
            }

            JsonObject credential;
            JsonObject keyJson;
            try
            {
                credential = JsonNode.Parse(await File.ReadAllTextAsync(input.FullName, Encoding.UTF8, ct), documentOptions: Jcs.ParseOptions)!.AsObject();
                keyJson = JsonNode.Parse(await File.ReadAllTextAsync(keys.FullName, ct))!.AsObject();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
            {
                return cli.Fail(ExitCodes.Failed, "the credential and the key file must be JSON objects: " + e.Message);
            }

            if (!Multikey.TryDecodeP256Secret(keyJson["secretKeyMultibase"]?.GetValue<string>(), out var d))
            {
                return cli.Fail(ExitCodes.Failed, "the key file has no P-256 secretKeyMultibase");
            }

            using var ecdsa = Multikey.CreateP256Signer(d);
            var key = Multikey.FromP256(ecdsa);
            credential["issuer"] ??= key.DidKey;
            var now = cli.Clock.GetUtcNow();
            if (parse.GetValue(format) == "jwt")
            {
                cli.Out.WriteLine(VcJwt.Sign(credential, key.VerificationMethod, ecdsa));
                return ExitCodes.Ok;
            }

            var signed = DataIntegrity.AddProof(credential, new ProofOptions(key.VerificationMethod, now), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(ecdsa, h));
            if (parse.GetValue(withSm2))
            {
                if (keyJson["sm2SecretKeyHex"]?.GetValue<string>() is not { Length: 64 } hex)
                {
                    return cli.Fail(ExitCodes.Failed, "the key file has no sm2SecretKeyHex");
                }

                var sm2 = Convert.FromHexString(hex);
                var sm2Public = NationalCrypto.Instance.Sm2PublicKey(sm2);
                signed = DataIntegrity.AddProof(signed, new ProofOptions(sm2Public.VerificationMethod, now), new Sm2Jcs(NationalCrypto.Instance), h => NationalCrypto.Instance.Sm2Sign(sm2, h));
            }

            cli.Out.WriteLine(signed.ToJsonString(Indented));
            return ExitCodes.Ok;
        });
        return command;
    }
}
