using Spectre.Console;

namespace Gim.MLNet.Samples.Console;

/// <summary>Reads and checks option values the same way in every command.</summary>
internal static class OptionValues
{
    /// <summary>A comma-separated list, entries trimmed, empty entries dropped.</summary>
    public static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// An output option given without a value. Spectre binds `--out` at the end of a default-command line to the
    /// name it gives the default command internally, so the run went into a folder called __default_command.
    /// </summary>
    /// <param name="value">The option's value.</param>
    /// <param name="expected">What the value should be, with an example.</param>
    public static ValidationResult CheckOut(string? value, string expected) =>
        value is not null && (value == "__default_command" || string.IsNullOrWhiteSpace(value))
            ? ValidationResult.Error($"--out needs a value: {expected}.")
            : ValidationResult.Success();
}
