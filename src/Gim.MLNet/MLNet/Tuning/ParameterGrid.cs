using System.Collections;

namespace Gim.MLNet;

/// <summary>
/// A grid of hyper-parameter values: every combination of the values given per name (the first name varies
/// slowest). Build it with a collection initializer, <c>new ParameterGrid { { "TargetSparsity", 0.01, 0.1 }, { "MaxSteps", 200, 400 } }</c>,
/// and hand it to <see cref="PerturbationCatalog.SearchHyperparameters{TParams}"/>.
/// </summary>
public sealed class ParameterGrid : IReadOnlyList<ParameterSet>
{
    private readonly List<(string Name, object[] Values)> _axes = new();

    /// <summary>Adds a parameter and its candidate values.</summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="name">The parameter's name (unique in the grid).</param>
    /// <param name="values">At least one value.</param>
    /// <returns>This grid, for chaining.</returns>
    public ParameterGrid Add<T>(string name, params T[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException($"ParameterGrid: parameter '{name}' needs at least one value.", nameof(values));
        if (_axes.Any(a => a.Name == name)) throw new ArgumentException($"ParameterGrid: parameter '{name}' was added twice.", nameof(name));
        _axes.Add((name, values.Select(v => (object?)v ?? throw new ArgumentException($"ParameterGrid: parameter '{name}' has a null value.", nameof(values))).ToArray()));
        return this;
    }

    /// <summary>The number of combinations (1 for an empty grid: the defaults).</summary>
    public int Count => _axes.Aggregate(1, (n, a) => checked(n * a.Values.Length));

    /// <summary>The combination at <paramref name="index"/> (mixed-radix: the last parameter varies fastest).</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    public ParameterSet this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The grid has {Count} combinations.");
            var values = new KeyValuePair<string, object>[_axes.Count];
            for (int a = _axes.Count - 1; a >= 0; a--)
            {
                object[] axis = _axes[a].Values;
                values[a] = new(_axes[a].Name, axis[index % axis.Length]);
                index /= axis.Length;
            }
            return new ParameterSet(values);
        }
    }

    /// <inheritdoc />
    public IEnumerator<ParameterSet> GetEnumerator()
    {
        int count = Count;
        for (int i = 0; i < count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
