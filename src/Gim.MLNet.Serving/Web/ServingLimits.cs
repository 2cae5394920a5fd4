namespace Gim.MLNet.Serving.Web;

/// <summary>
/// What one request may ask for. <see cref="MaxPredictedValues"/> bounds the work and the answer: 10 M floats are
/// ~40 MB in ONNX Runtime's outputs and at most ~150 MB of JSON (a float is up to ~15 characters); the other limits
/// keep ordinary requests clear of it.
/// </summary>
internal sealed class ServingLimits
{
    /// <summary>Largest request body in bytes (--MaxRequestBytes). Default 4 MiB: 1,000 rows of ~100 features as JSON.</summary>
    public long MaxRequestBytes { get; init; } = 4L << 20;

    /// <summary>Most rows (feature vectors) per request (--MaxRows). Default 1,000.</summary>
    public int MaxRows { get; init; } = 1000;

    /// <summary>Most samples drawn per row (--MaxSamples). Default 1,000.</summary>
    public int MaxSamples { get; init; } = 1000;

    /// <summary>Most rows × max(samples, 1) per request (--MaxPredictedCells). Default 100,000.</summary>
    public int MaxPredictedCells { get; init; } = 100_000;

    /// <summary>Most rows × max(samples, 1) × variables per request (--MaxPredictedValues). Default 10,000,000.</summary>
    public int MaxPredictedValues { get; init; } = 10_000_000;

    /// <summary>The limits from configuration (command line <c>--MaxRows 50</c>, environment, ...), defaults where unset.</summary>
    public static ServingLimits From(IConfiguration configuration)
    {
        var defaults = new ServingLimits();
        return new ServingLimits
        {
            MaxRequestBytes = Read(configuration, nameof(MaxRequestBytes), defaults.MaxRequestBytes),
            MaxRows = (int)Read(configuration, nameof(MaxRows), defaults.MaxRows),
            MaxSamples = (int)Read(configuration, nameof(MaxSamples), defaults.MaxSamples),
            MaxPredictedCells = (int)Read(configuration, nameof(MaxPredictedCells), defaults.MaxPredictedCells),
            MaxPredictedValues = (int)Read(configuration, nameof(MaxPredictedValues), defaults.MaxPredictedValues),
        };
    }

    private static long Read(IConfiguration configuration, string key, long fallback)
    {
        string? text = configuration[key];
        if (text is null) return fallback;
        if (!long.TryParse(text, out long value) || value < 1 || value > int.MaxValue)
            throw new ServingStartupException($"--{key}: '{text}' is not a whole number between 1 and {int.MaxValue}.");
        return value;
    }
}

/// <summary>The service cannot start: the message says what to fix (printed as one `error:` line).</summary>
internal sealed class ServingStartupException(string message, Exception? inner = null) : Exception(message, inner);
