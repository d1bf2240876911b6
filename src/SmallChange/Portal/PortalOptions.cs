namespace SmallChange.Portal;

/// <summary>
/// Settings of the holder portal. Defaults suit a single node; tests lower or raise the limits. Environment
/// variables override the mail folder and the public address (<c>SmallChange__Portal__MailFolder</c>,
/// <c>SmallChange__Portal__PublicUrl</c>).
/// </summary>
public sealed record PortalOptions
{
    /// <summary>Where the file mail adapter writes one <c>.eml</c> file per message; default <c>mail</c> in the working directory.</summary>
    public string? MailFolder { get; init; }

    /// <summary>
    /// The address holders reach the portal at, for links in mails (password reset). Never taken from the request's
    /// Host header, which a caller controls. Default: the first address <c>serve</c> listens on.
    /// </summary>
    public string? PublicUrl { get; init; }

    /// <summary>Form posts to the sign-in, sign-up and password pages per client IP per minute (all of them together).</summary>
    public int AccountPostsPerIpPerMinute { get; init; } = 30;

    /// <summary>Sign-in attempts (password, second factor or recovery code) per account per 15 minutes, from any IP.</summary>
    public int SignInsPerAccountPerQuarterHour { get; init; } = 10;

    /// <summary>Password-reset mails per address per hour.</summary>
    public int ResetMailsPerAccountPerHour { get; init; } = 3;

    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedAccessAttempts { get; init; } = 5;

    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a step-up (a fresh second-factor code for a cash-out or a destination change) holds in the session that
    /// gave it; default 5 minutes, 1 to 60 with <c>SmallChange__Portal__StepUpMinutes</c>.
    /// </summary>
    public TimeSpan StepUpLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the link in an operator's portal invitation works (it also stops working once a password is chosen).</summary>
    public TimeSpan InviteLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a password-reset link works (it also stops working once the password changes).</summary>
    public TimeSpan ResetLinkLifetime { get; init; } = TimeSpan.FromHours(1);
}
