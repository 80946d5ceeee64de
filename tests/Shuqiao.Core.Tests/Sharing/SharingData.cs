using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Sharing;

namespace Shuqiao.Core.Tests.Sharing;

/// <summary>A 人口基本信息 resource of 示范市公安局 and the people and times the sharing and exchange tests use.</summary>
internal static class SharingData
{
    public static readonly Guid Police = Guid.Parse("0191c2a0-0000-7000-8000-000000000001");
    public static readonly Guid Civil = Guid.Parse("0191c2a0-0000-7000-8000-000000000002");
    public static readonly Guid CivilClient = Guid.Parse("0191c2a0-0000-7000-8000-0000000000c2");
    public static readonly Guid ProviderApprover = Guid.Parse("0191c2a0-0000-7000-8000-0000000000a1");
    public static readonly Guid AuthorityApprover = Guid.Parse("0191c2a0-0000-7000-8000-0000000000b1");

    public static readonly Reviewer Provider = new(ProviderApprover, ReviewerCapacity.Provider);
    public static readonly Reviewer Authority = new(AuthorityApprover, ReviewerCapacity.DataAuthority);

    // Monday 2026-09-14 10:00 in 示范市.
    public static readonly DateTimeOffset Now = new(2026, 9, 14, 10, 0, 0, TimeSpan.FromHours(8));

    public static readonly ReplyDeadlines Deadlines = new(WorkingDayCalendar.China2026, 10);

    public static readonly ValueParsingOptions Options = ValueParsingOptions.ForChina(new DateOnly(2026, 9, 14));

    public static ResourceField Field(string name, FieldType type, DataClassification classification = DataClassification.General,
        PersonalInfoKind personal = PersonalInfoKind.None, MaskingRule? masking = null, bool key = false, params FieldValidator[] validators) =>
        new(name, name, null, type, null, null, key, key, key, classification, personal, validators, InvalidValueAction.Reject, masking ?? MaskingRule.None, []);

    /// <summary>
    /// idNumber (key, sensitive, 110101********1234), name (personal, 张*), gender (plain), birthDate (personal, year),
    /// district (plain region code), address (personal, county), income (important, band of 1000), criminalRecord (核心).
    /// </summary>
    public static IReadOnlyList<ResourceField> PopulationFields { get; } =
    [
        Field("idNumber", FieldType.String, DataClassification.Important, PersonalInfoKind.Sensitive, MaskingRule.KeepFirstLastOf(6, 4), key: true, validators: new ResidentIdValidator()),
        Field("name", FieldType.String, personal: PersonalInfoKind.Personal, masking: MaskingRule.KeepFirstLastOf(1, 0)),
        Field("gender", FieldType.String),
        Field("birthDate", FieldType.Date, personal: PersonalInfoKind.Personal, masking: new MaskingRule(MaskingKind.DateToYear)),
        Field("district", FieldType.String),
        Field("address", FieldType.String, personal: PersonalInfoKind.Personal, masking: MaskingRule.RegionTruncateTo(RegionLevel.County)),
        Field("income", FieldType.Integer, DataClassification.Important, PersonalInfoKind.Personal, MaskingRule.NumberRangeOf(1000)),
        Field("criminalRecord", FieldType.String, DataClassification.Core, PersonalInfoKind.Sensitive),
    ];

    public static DataResource Resource(SharingType sharing = SharingType.Conditional, ResourceStatus status = ResourceStatus.Published, IReadOnlyList<ResourceField>? fields = null) =>
        new(Guid.Parse("0191c2a0-0000-7000-8000-0000000000f1"), ResourceCode.Parse("101001000/000001"), "人口基本信息", "示范市户籍人口基本信息",
            Police, "示范市公安局", "11350100MB0000000A", "数据库表", sharing, null,
            sharing == SharingType.NotShared ? "《中华人民共和国个人信息保护法》第三十四条" : null, OpenType.NotOpen, null, UpdateFrequency.Daily,
            [], null, null, status, SchemaVersion.First, fields ?? PopulationFields, 1, Now.AddDays(-30), Now.AddDays(-30), Now.AddDays(-29), null);

    public static SharingTerms Terms(params string[] fields) =>
        new(fields, null, Now, Now.AddYears(1), 1000, GrantMode.Read);

    public static SharingApplication Application(SharingTerms? terms = null, string purpose = "最低生活保障资格审核") =>
        new(Civil, CivilClient, purpose, "低保申请审核时核对申请人户籍", "《社会救助暂行办法》第十一条", terms ?? Terms("idNumber", "name", "gender", "district"));

    public static SharingRequest Submitted(SharingApplication? application = null, DataResource? resource = null) =>
        SharingRequest.Submit(Guid.Parse("0191c2a0-0000-7000-8000-0000000000e1"), application ?? Application(), resource ?? Resource(), Deadlines, Now).Value!;

    public static RowPredicate Filter(string json, IReadOnlyList<ResourceField>? fields = null)
    {
        using var document = JsonDocument.Parse(json);
        var read = RowFilterJson.Read(document.RootElement, fields ?? PopulationFields, Options);
        return read.Value ?? throw new InvalidOperationException(string.Join("; ", read.Failure!.Issues));
    }

    public static T Ok<T>(Shuqiao.Core.Common.Outcome<T> outcome)
    {
        Assert.True(outcome.Succeeded, outcome.Failure is null ? "" : string.Join("; ", outcome.Failure.Issues));
        return outcome.Value!;
    }

    public static Shuqiao.Core.Common.Failure Fails<T>(Shuqiao.Core.Common.Outcome<T> outcome)
    {
        Assert.False(outcome.Succeeded, "expected a failure");
        return outcome.Failure!;
    }
}
