namespace Gim.MLNet.Modeling;

/// <summary>Settings every peer trainer shares: its seed and a way to cancel it.</summary>
public abstract class PerturbationOptions
{
    /// <summary>
    /// Seed of every random draw in training (initialisation, relaxations). Control and NearestContext
    /// training draws nothing and ignores it. Default 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Cancels training between steps (an <see cref="OperationCanceledException"/> is thrown).</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks every setting and throws <see cref="ArgumentOutOfRangeException"/> naming the first one out of range.</summary>
    public virtual void Validate()
    {
    }

    /// <summary>A shallow copy (the cancellation token is shared).</summary>
    public PerturbationOptions Clone() => (PerturbationOptions)MemberwiseClone();

    /// <summary>Throws naming this options class, the setting, its value and what was expected.</summary>
    private protected void Require(bool ok, string name, object value, string expected)
    {
        if (!ok)
            throw new ArgumentOutOfRangeException(name, value, $"{GetType().Name}.{name} is {value}; expected {expected}.");
    }
}
