namespace Shuqiao.Core.Common;

/// <summary>Why an operation did not succeed; mapped to an RFC 9457 problem at the HTTP edge.</summary>
public enum FailureKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>
/// One reason an input is not accepted: the field (camelCase, as the API spells it), a stable code the console
/// translates (<c>&lt;capability&gt;.issue.&lt;code&gt;</c> with <see cref="Arguments"/> as {0}, {1}, …) and the
/// English reason the API returns. Keep codes stable: translations are keyed by them.
/// </summary>
public sealed record Issue(string Field, string Code, string Reason, IReadOnlyList<object> Arguments)
{
    /// <summary>An issue with no translation of its own; the console shows the English reason.</summary>
    public static Issue Plain(string field, string reason) => new(field, "invalid", reason, []);

    public override string ToString() => $"{Field}: {Reason}";
}

/// <summary>A failed operation: a title for people and the issues behind it.</summary>
public sealed record Failure(FailureKind Kind, string Title, IReadOnlyList<Issue> Issues)
{
    private const string InvalidTitle = "The request is invalid.";

    /// <summary>The reasons per field, as problem responses carry them (<c>errors</c>).</summary>
    public IReadOnlyDictionary<string, string[]>? Errors => Issues.Count == 0
        ? null
        : Issues.GroupBy(i => i.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(i => i.Reason).ToArray(), StringComparer.Ordinal);

    public static Failure NotFound(string what) => new(FailureKind.NotFound, $"{what} was not found.", []);

    public static Failure Conflict(string title, Issue issue) => new(FailureKind.Conflict, title, [issue]);

    public static Failure Conflict(string title, string? field = null, string? reason = null) =>
        new(FailureKind.Conflict, title, field is null ? [] : [Issue.Plain(field, reason ?? title)]);

    public static Failure Invalid(Issue issue) => Invalid([issue]);

    public static Failure Invalid(IReadOnlyList<Issue> issues) => new(FailureKind.Validation, InvalidTitle, issues);

    public static Failure Invalid(string field, string reason) => Invalid(Issue.Plain(field, reason));

    public static Failure Invalid(FieldErrors errors) => Invalid(errors.ToIssues());
}

/// <summary>The result of an operation that can fail in an expected way.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    public bool Succeeded => Failure is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
}
