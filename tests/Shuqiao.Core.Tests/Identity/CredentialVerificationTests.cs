using System.Net;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;

namespace Shuqiao.Core.Tests.Identity;

public sealed class CredentialVerificationTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Issued_credentials_carry_their_prefix_and_parse_back()
    {
        var key = SecretCredential.Create(ApiClient.KeyIdPrefix);
        var token = SecretCredential.Create(PersonalAccessToken.TokenIdPrefix);

        Assert.StartsWith("sqk_", key.Id, StringComparison.Ordinal);
        Assert.StartsWith("sqp_", token.Id, StringComparison.Ordinal);
        Assert.True(SecretCredential.TryParse(key.ToString(), out var parsed));
        Assert.Equal(key, parsed);
        Assert.NotEqual(key.Secret, SecretCredential.Create(ApiClient.KeyIdPrefix).Secret);
    }

    [Fact]
    public void The_right_secret_of_an_active_client_is_accepted()
    {
        var (credential, secret) = Client();
        Assert.Equal(ApiKeyVerdict.Accepted, credential.Verify(secret, IPAddress.Loopback, Now));
    }

    [Fact]
    public void A_wrong_secret_is_refused_before_anything_about_the_client_is_told()
    {
        var (credential, _) = Client(status: ApiClientStatus.Suspended, organizationActive: false, allowList: "10.0.0.0/8");
        Assert.Equal(ApiKeyVerdict.WrongSecret, credential.Verify("guess", IPAddress.Loopback, Now));
    }

    [Theory]
    [InlineData(ApiClientStatus.Suspended, true, ApiKeyVerdict.Suspended)]
    [InlineData(ApiClientStatus.Deleted, true, ApiKeyVerdict.Deleted)]
    [InlineData(ApiClientStatus.Active, false, ApiKeyVerdict.OrganizationDisabled)]
    public void The_right_secret_of_an_unusable_client_says_why(ApiClientStatus status, bool organizationActive, ApiKeyVerdict verdict)
    {
        var (credential, secret) = Client(status: status, organizationActive: organizationActive);
        Assert.Equal(verdict, credential.Verify(secret, IPAddress.Loopback, Now));
    }

    [Fact]
    public void The_allow_list_is_checked_after_the_secret()
    {
        var (credential, secret) = Client(allowList: "10.0.0.0/8");
        Assert.Equal(ApiKeyVerdict.Accepted, credential.Verify(secret, IPAddress.Parse("10.9.9.9"), Now));
        Assert.Equal(ApiKeyVerdict.AddressNotAllowed, credential.Verify(secret, IPAddress.Parse("192.0.2.1"), Now));
        Assert.Equal(ApiKeyVerdict.AddressUnknown, credential.Verify(secret, null, Now));
    }

    [Fact]
    public void A_previous_secret_works_only_during_its_grace_period()
    {
        var previous = SecretCredential.Create(ApiClient.KeyIdPrefix).Secret;
        var (credential, secret) = Client(previousSecret: previous, graceUntil: Now.AddMinutes(10));

        Assert.Equal(ApiKeyVerdict.Accepted, credential.Verify(previous, null, Now.AddMinutes(9)));
        Assert.Equal(ApiKeyVerdict.PreviousSecretExpired, credential.Verify(previous, null, Now.AddMinutes(10)));
        Assert.Equal(ApiKeyVerdict.Accepted, credential.Verify(secret, null, Now.AddMinutes(10)));
    }

    [Fact]
    public void A_token_is_refused_once_revoked_or_expired()
    {
        var secret = SecretCredential.Create(PersonalAccessToken.TokenIdPrefix).Secret;
        var token = new PersonalAccessToken(Guid.NewGuid(), "sqp_x", Guid.NewGuid(), "cli", [Roles.DataSteward], Now, Now.AddDays(1), null, null);
        var credential = new AccessTokenCredential(token, SecretCredential.Hash(secret));

        Assert.Equal(AccessTokenVerdict.Accepted, credential.Verify(secret, Now));
        Assert.Equal(AccessTokenVerdict.WrongSecret, credential.Verify("guess", Now));
        Assert.Equal(AccessTokenVerdict.Expired, credential.Verify(secret, Now.AddDays(1)));
        Assert.Equal(AccessTokenVerdict.Revoked, (credential with { Token = token with { RevokedAt = Now } }).Verify(secret, Now));
    }

    [Fact]
    public void A_token_grants_only_the_roles_its_user_still_holds()
    {
        var token = new PersonalAccessToken(Guid.NewGuid(), "sqp_x", Guid.NewGuid(), "cli", [Roles.DataSteward, Roles.Auditor], Now, Now.AddDays(1), null, null);
        var user = new User(token.UserId, "zhangsan", "张三", Guid.NewGuid(), [Roles.Auditor, Roles.Approver], UserStatus.Active, false, 0, null, Guid.NewGuid(), Now, null, Now, Now, 1);

        Assert.Equal([Roles.Auditor], token.EffectiveRoles(user));
    }

    [Fact]
    public void Requested_token_roles_must_be_ones_the_creator_may_hand_on()
    {
        string[] allowed = [Roles.DataSteward, Roles.Auditor];

        Assert.Equal(allowed, AccessTokenRules.NarrowRoles(null, allowed).Value);
        Assert.Equal([Roles.Auditor], AccessTokenRules.NarrowRoles([Roles.Auditor, Roles.Auditor], allowed).Value);
        var refused = AccessTokenRules.NarrowRoles([Roles.PlatformAdmin, "Root"], allowed);
        Assert.Equal(FailureKind.Validation, refused.Failure!.Kind);
        Assert.Equal(2, refused.Failure.Errors!["roles"].Length);
    }

    [Theory]
    [InlineData("", null, 10, "name")]
    [InlineData("系统", null, 0, "rateLimitPerMinute")]
    [InlineData("系统", null, 1_000_001, "rateLimitPerMinute")]
    public void Client_settings_out_of_range_are_refused_per_field(string name, string? description, int rate, string field)
    {
        var errors = new FieldErrors();
        ApiClientRules.Validate(name, description, rate, errors);
        Assert.Contains(errors.ToIssues(), i => i.Field == field);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1440, true)]
    [InlineData(1441, false)]
    [InlineData(-1, false)]
    public void A_rotation_grace_period_is_at_most_a_day(int minutes, bool valid) =>
        Assert.Equal(valid, ApiClientRules.ValidateGraceMinutes(minutes) is null);

    private static (ApiClientCredential Credential, string Secret) Client(
        ApiClientStatus status = ApiClientStatus.Active, bool organizationActive = true, string? allowList = null,
        string? previousSecret = null, DateTimeOffset? graceUntil = null)
    {
        var key = SecretCredential.Create(ApiClient.KeyIdPrefix);
        var list = IpAllowList.Parse(allowList is null ? [] : [allowList]).Value!;
        var client = new ApiClient(Guid.NewGuid(), key.Id, Guid.NewGuid(), "社保系统", null, list, 60, status, false, null, Now, Now, 1, graceUntil);
        var previousHash = previousSecret is null ? null : SecretCredential.Hash(previousSecret);
        return (new ApiClientCredential(client, SecretCredential.Hash(key.Secret), previousHash, organizationActive), key.Secret);
    }
}
