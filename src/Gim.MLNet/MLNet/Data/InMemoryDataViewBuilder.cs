using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>Collects same-length columns into an <see cref="InMemoryDataView"/>, refusing duplicate names.</summary>
internal sealed class InMemoryDataViewBuilder(long rowCount)
{
    private readonly List<InMemoryColumn> _columns = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public InMemoryDataViewBuilder Add(InMemoryColumn column)
    {
        if (!_names.Add(column.Name))
            throw new ArgumentException($"Two columns are named '{column.Name}'; rename one (for example an obs column, or pick another measurements column name).");
        _columns.Add(column);
        return this;
    }

    public IDataView Build() => new InMemoryDataView(_columns.ToArray(), rowCount);
}
