namespace Gim.MLNet.Data.Synthetic;

/// <summary>One split of the screen: the data a method sees and, index by index, the truth behind it.</summary>
public sealed class HillScreenSplit
{
    internal HillScreenSplit(string name, PerturbationDataset data, IReadOnlyList<ContextTruth> truth)
    {
        if (data.Contexts.Count != truth.Count)
            throw new ArgumentException($"Split '{name}': {data.Contexts.Count} contexts but {truth.Count} truth records.");
        Name = name;
        Data = data;
        Truth = truth;
    }

    /// <summary>"train", "partial-ood" or "full-ood".</summary>
    public string Name { get; }

    /// <summary>The contexts and cells.</summary>
    public PerturbationDataset Data { get; }

    /// <summary>The true intervention of <c>Data.Contexts[i]</c> at index i.</summary>
    public IReadOnlyList<ContextTruth> Truth { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Data.Contexts.Count} contexts, {Data.SampleCount} cells";
}
