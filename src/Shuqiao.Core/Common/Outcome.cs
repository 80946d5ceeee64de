namespace Shuqiao.Core.Common;

/// <summary>Why an operation did not succeed; mapped to an RFC 9457 problem at the HTTP edge.</summary>
public enum FailureKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>A failed operation: a title for people and, for validation, the reasons per field.</summary>
public sealed record Failure(FailureKind Kind, string Title, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Failure NotFound(string what) => new(FailureKind.NotFound, $"{what} was not found.");

    public static Failure Conflict(string title, string? field = null, string? reason = null) =>
        new(FailureKind.Conflict, title, field is null ? null : new Dictionary<string, string[]> { [field] = [reason ?? title] });

    public static Failure Invalid(string field, string reason) =>
        new(FailureKind.Validation, "The request is invalid.", new Dictionary<string, string[]> { [field] = [reason] });

    public static Failure Invalid(FieldErrors errors) =>
        new(FailureKind.Validation, "The request is invalid.", errors.ToDictionary());
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
