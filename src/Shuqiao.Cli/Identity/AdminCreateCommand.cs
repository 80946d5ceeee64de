using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Shuqiao.Cli.Database;
using Shuqiao.Cli.Organizations;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Storage.Database;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Cli.Identity;

/// <summary>
/// <c>shuqiao admin create</c>: the first platform administrator (平台管理员) of a node, written straight into
/// the database by the server host's operator. There is no default password anywhere: it is typed or piped in.
/// </summary>
internal static class AdminCreateCommand
{
    /// <summary>The server's default (Shuqiao:Security:MinimumPasswordLength); the same variable overrides both.</summary>
    public const int DefaultMinimumPasswordLength = 10;

    private const string MinimumLengthVariable = "Shuqiao__Security__MinimumPasswordLength";

    public static Command Create(CliContext cli)
    {
        var login = new Option<string>("--login") { Description = "Login name of the new administrator", Required = true };
        var name = new Option<string>("--name") { Description = "Display name (姓名)", Required = true };
        var orgCode = new Option<string>("--org-code") { Description = "统一社会信用代码 of the administrator's organization (the data bureau)", Required = true };
        var orgName = new Option<string>("--org-name") { Description = "Creates the organization with this name when the code is not registered yet" };
        var orgLevel = new Option<OrganizationLevel>("--org-level") { Description = "Level of an organization created here", DefaultValueFactory = _ => OrganizationLevel.City };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input instead of asking twice" };
        var database = DatabaseTarget.Option();
        var command = new Command("create", "Create a PlatformAdmin user (the first one of a node), and its organization if needed")
        {
            login, name, orgCode, orgName, orgLevel, passwordStdin, database,
        };
        command.SetAction((parse, ct) => RunAsync(
            cli,
            parse,
            database,
            new Request(parse.GetRequiredValue(login).Trim(), parse.GetRequiredValue(name).Trim(), parse.GetRequiredValue(orgCode).Trim().ToUpperInvariant(), parse.GetValue(orgName), parse.GetValue(orgLevel), parse.GetValue(passwordStdin)),
            ct));
        return command;
    }

    private sealed record Request(string Login, string Name, string OrgCode, string? OrgName, OrganizationLevel OrgLevel, bool PasswordFromStdin);

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, Option<string> database, Request request, CancellationToken cancellationToken)
    {
        // Everything that needs no database and no password is checked first, so nobody types a password twice
        // only to learn that the login was malformed.
        if (LoginRules.ValidateLogin(request.Login) is { } loginError)
        {
            return cli.Fail(ExitCodes.Failed, $"--login {loginError}");
        }

        if (request.Name.Length is 0 or > 100)
        {
            return cli.Fail(ExitCodes.Failed, "--name must be 1–100 characters");
        }

        if (CreditCode.Validate(request.OrgCode) is { } codeError)
        {
            return cli.Fail(ExitCodes.Failed, $"--org-code {codeError}");
        }

        if (!TryMinimumPasswordLength(cli, out var minimumLength))
        {
            return ExitCodes.Usage;
        }

        await using var dataSource = DatabaseTarget.Open(parse, database, cli);
        if (dataSource is null)
        {
            return ExitCodes.Usage;
        }

        return await DatabaseTarget.RunAsync(cli, async () =>
        {
            var status = await new Migrator(dataSource, cli.Clock).StatusAsync(cancellationToken);
            if (status.Pending.Count > 0)
            {
                return cli.Fail(ExitCodes.Failed, $"the database schema is not up to date ({status.Pending.Count} pending migration(s)): run 'shuqiao db apply' first");
            }

            var organizations = new OrganizationBootstrap(dataSource, cli.Clock);
            var organization = await organizations.FindAsync(request.OrgCode, cancellationToken);
            if (organization is null && string.IsNullOrWhiteSpace(request.OrgName))
            {
                return cli.Fail(ExitCodes.Failed, $"no organization has the code {request.OrgCode}: add --org-name (and --org-level) to create it");
            }

            var users = new UserStore(dataSource, cli.Clock);
            if (await users.FindForLoginAsync(request.Login, cancellationToken) is not null)
            {
                return cli.Fail(ExitCodes.Conflict, $"a user with the login '{request.Login}' already exists; nothing was created");
            }

            var (password, exitCode) = PasswordInput.Read(cli, request.PasswordFromStdin, request.Login);
            if (password is null)
            {
                return exitCode;
            }

            if (LoginRules.ValidatePassword(password, request.Login, minimumLength) is { } passwordError)
            {
                return cli.Fail(ExitCodes.Failed, $"the password {passwordError}; nothing was created");
            }

            var actor = new Actor(ActorKind.Cli, null, $"cli:{Environment.UserName}", null);
            if (organization is null)
            {
                var created = await organizations.CreateAsync(request.OrgCode, request.OrgName!, request.OrgLevel, actor, cancellationToken);
                if (created.Value is null)
                {
                    return FailureText.Print(cli, created.Failure!);
                }

                organization = created.Value;
                cli.Out.WriteLine($"Created organization {organization.Name} ({organization.Code}, {organization.Level}).");
            }

            var outcome = await users.CreateAsync(
                new NewUser(request.Login, request.Name, organization.Id, [Roles.PlatformAdmin]),
                HashPassword(password),
                actor with { OrganizationId = organization.Id },
                cancellationToken);
            if (outcome.Value is not { } user)
            {
                return FailureText.Print(cli, outcome.Failure!);
            }

            cli.Out.WriteLine($"Created PlatformAdmin '{user.Login}' ({user.Id}) in {organization.Name} ({organization.Code}). Sign in at /console/login.");
            return ExitCodes.Ok;
        });
    }

    /// <summary>
    /// Exactly what the server's PasswordHashing does (ASP.NET's PBKDF2 PasswordHasher with default options, the
    /// user object being irrelevant), so the server verifies what the CLI wrote.
    /// </summary>
    internal static string HashPassword(string password) => new PasswordHasher<object>().HashPassword(new object(), password);

    private static bool TryMinimumPasswordLength(CliContext cli, out int minimumLength)
    {
        minimumLength = DefaultMinimumPasswordLength;
        if (cli.Env(MinimumLengthVariable) is not { } text)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minimumLength) && minimumLength is >= 8 and <= 128)
        {
            return true;
        }

        cli.Fail(ExitCodes.Usage, $"{MinimumLengthVariable} must be a number from 8 to 128");
        return false;
    }
}
