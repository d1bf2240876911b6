using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace SmallChange.Portal;

/// <summary>
/// Refuses a password that is one of the 10,000 most common ones (Data/common-passwords.txt, see its README), or one
/// of them with only digits, punctuation or spaces added before or after (<c>sunshine2024!</c>). Case is ignored.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<PortalAccount>
{
    public const string Code = "PasswordCommon";

    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    /// <summary>How many passwords the list holds (10,000 unless the data file is broken).</summary>
    public static int Count => Common.Value.Count;

    public static bool IsCommon(string password)
    {
        var lower = password.ToLowerInvariant();
        var core = lower.AsSpan().Trim(" 0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").ToString();
        return Common.Value.Contains(lower) || (core.Length > 0 && Common.Value.Contains(core));
    }

    public Task<IdentityResult> ValidateAsync(UserManager<PortalAccount> manager, PortalAccount user, string? password) =>
        Task.FromResult(password is not null && IsCommon(password)
            ? IdentityResult.Failed(new IdentityError
            {
                Code = Code,
                Description = "This password is too common: it is, or is built from, one of the 10,000 passwords people use most. Choose another.",
            })
            : IdentityResult.Success);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("SmallChange.Data.common-passwords.txt")
                           ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line.ToLowerInvariant());
            }
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}

/// <summary>
/// Refuses a password that contains the account's e-mail local part (the part before <c>@</c>, and the part before a
/// <c>+tag</c>), ignoring case. Local parts shorter than 3 characters are not checked: they would forbid ordinary letters.
/// </summary>
public sealed class EmailPasswordValidator : IPasswordValidator<PortalAccount>
{
    public const string Code = "PasswordContainsEmail";

    public Task<IdentityResult> ValidateAsync(UserManager<PortalAccount> manager, PortalAccount user, string? password)
    {
        var local = user.Data.Email.LocalPart;
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        string[] parts = plus > 0 ? [local, local[..plus]] : [local];
        var contains = password is not null && parts.Any(p => p.Length >= 3 && password.Contains(p, StringComparison.OrdinalIgnoreCase));
        return Task.FromResult(contains
            ? IdentityResult.Failed(new IdentityError { Code = Code, Description = "The password must not contain your e-mail address or the name before the @." })
            : IdentityResult.Success);
    }
}

/// <summary>Clear messages for Identity's own password rules (length, distinct characters).</summary>
public sealed class PortalErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) =>
        new() { Code = nameof(PasswordTooShort), Description = $"Use at least {length} characters. A few unrelated words make a long password that is easy to remember." };

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        new() { Code = nameof(PasswordRequiresUniqueChars), Description = $"Use at least {uniqueChars} different characters." };

    public override IdentityError DuplicateEmail(string email) =>
        new() { Code = nameof(DuplicateEmail), Description = "An account with this e-mail address already exists. Sign in, or reset its password." };
}
