using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Console;

/// <summary>
/// Turns every exception a command throws into one `error:` line on standard error and an exit code, so
/// a user never sees a .NET stack trace: 2 for wrong arguments, 1 for a run that failed, 130 for Ctrl-C.
/// GIM_SAMPLES_DEBUG=1 adds the stack trace.
/// </summary>
internal static partial class CommandLineErrors
{
    public const int UsageError = 2;
    public const int RunFailed = 1;
    public const int Cancelled = 130; // 128 + SIGINT, what shells report for a Ctrl-C

    public static int Run(string[] args, Func<int> run, CancellationToken cancellation)
    {
        try
        {
            return run();
        }
        // Whatever the exception, once Ctrl-C was pressed it is a consequence of the cancellation.
        catch (Exception) when (cancellation.IsCancellationRequested)
        {
            System.Console.Error.WriteLine("cancelled");
            return Cancelled;
        }
        catch (CommandRuntimeException e) // parse errors, failed conversions and the settings' Validate
        {
            return Report(ConversionMessage(e.Message, args) ?? e.Message, e, UsageError);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException or NotSupportedException)
        {
            return Report(e.Message, e, RunFailed);
        }
        catch (ExternalException e) // TorchSharp and ONNX Runtime report native failures this way
        {
            return Report($"a native library failed ({e.GetType().Name}): {FirstLine(e.Message)}", e, RunFailed);
        }
        catch (Exception e)
        {
            return Report($"unexpected {e.GetType().Name}: {FirstLine(e.Message)} (set GIM_SAMPLES_DEBUG=1 for the stack trace)", e, RunFailed);
        }
    }

    private static int Report(string message, Exception e, int exitCode)
    {
        // Colour only on a terminal: a redirected log gets plain text, one line per error.
        bool colour = !System.Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        System.Console.Error.WriteLine($"{(colour ? "\u001b[31merror:\u001b[0m" : "error:")} {message}");
        if (Environment.GetEnvironmentVariable("GIM_SAMPLES_DEBUG") == "1") System.Console.Error.WriteLine(e);
        return exitCode;
    }

    /// <summary>
    /// Spectre says "Failed to convert 'abc' to Int32." without the option; the option is the argument
    /// just before the value (or the one carrying it after '=').
    /// </summary>
    private static string? ConversionMessage(string message, string[] args)
    {
        Match match = ConversionFailure().Match(message);
        if (!match.Success) return null;
        string value = match.Groups["value"].Value;
        string expected = match.Groups["type"].Value switch
        {
            "Int32" or "Int64" => "a whole number",
            "Double" or "Single" => "a number",
            string type => $"a value of type {type}",
        };
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == value && i > 0 && args[i - 1].StartsWith('-')) return $"{args[i - 1]}: '{value}' is not {expected}.";
            if (args[i].StartsWith('-') && args[i].EndsWith("=" + value, StringComparison.Ordinal)) return $"{args[i][..args[i].IndexOf('=')]}: '{value}' is not {expected}.";
        }
        return $"'{value}' is not {expected}.";
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>\w+)\.")]
    private static partial Regex ConversionFailure();
}
