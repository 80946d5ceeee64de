using System.Text;

namespace Shuqiao.Cli;

/// <summary>Reads a password or token at the terminal without echoing it (prompt on standard error).</summary>
internal static class ConsoleSecret
{
    public static string? Read(string prompt)
    {
        Console.Error.Write(prompt);
        var secret = new StringBuilder();
        try
        {
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        return secret.ToString();
                    case ConsoleKey.Backspace:
                        if (secret.Length > 0)
                        {
                            secret.Length--;
                        }

                        break;
                    default:
                        if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key == ConsoleKey.D)
                        {
                            return secret.Length == 0 ? null : secret.ToString();
                        }

                        if (!char.IsControl(key.KeyChar))
                        {
                            secret.Append(key.KeyChar);
                        }

                        break;
                }
            }
        }
        finally
        {
            Console.Error.WriteLine();
        }
    }
}
