using System.Collections;
using System.Globalization;

namespace Gim.MLNet;

/// <summary>One combination of hyper-parameter values (name → value), as a <see cref="ParameterGrid"/> produces them.</summary>
public sealed class ParameterSet : IReadOnlyDictionary<string, object>
{
    private readonly IReadOnlyList<KeyValuePair<string, object>> _values;

    /// <summary>Creates a parameter set; names must be unique.</summary>
    /// <param name="values">Name → value pairs, in display order.</param>
    public ParameterSet(IEnumerable<KeyValuePair<string, object>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values.ToList();
        string? duplicate = _values.GroupBy(v => v.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null) throw new ArgumentException($"ParameterSet: the name '{duplicate}' appears twice.", nameof(values));
    }

    /// <summary>The value of <paramref name="name"/>, converted to <typeparamref name="T"/> when it is another numeric type (e.g. an int grid value read as double).</summary>
    /// <typeparam name="T">The type the estimator option has.</typeparam>
    /// <param name="name">The parameter's name.</param>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    /// <exception cref="InvalidCastException">The value cannot be converted.</exception>
    public T Get<T>(string name)
    {
        object value = this[name];
        if (value is T typed) return typed;
        try
        {
            return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new InvalidCastException($"Parameter '{name}' is {value} ({value.GetType().Name}); it cannot be read as {typeof(T).Name}.", e);
        }
    }

    /// <summary>The value of <paramref name="key"/>.</summary>
    /// <param name="key">The parameter's name.</param>
    public object this[string key] => TryGetValue(key, out object? value) ? value
        : throw new KeyNotFoundException($"The parameter set has no '{key}'; it has {string.Join(", ", Keys.Select(k => $"'{k}'"))}.");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Select(v => v.Key);

    /// <inheritdoc />
    public IEnumerable<object> Values => _values.Select(v => v.Value);

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.Any(v => v.Key == key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out object value)
    {
        foreach (var pair in _values)
            if (pair.Key == key) { value = pair.Value; return true; }
        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"name=value, name=value" (invariant culture), the trial's label in tables.</summary>
    public override string ToString() =>
        string.Join(", ", _values.Select(v => $"{v.Key}={Convert.ToString(v.Value, CultureInfo.InvariantCulture)}"));
}
