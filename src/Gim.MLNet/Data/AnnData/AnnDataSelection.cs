namespace Gim.MLNet.Data.AnnData;

/// <summary>Resolves the variable subset and the row selection of <see cref="AnnDataReadOptions"/> to file positions.</summary>
internal static class AnnDataSelection
{
    /// <summary>File positions of the requested variables in the requested order (all when null).</summary>
    public static int[] Variables(H5adFile file, string[] varNames, IReadOnlyList<string>? requested)
    {
        if (requested is null) return Enumerable.Range(0, varNames.Length).ToArray();
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicated = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < varNames.Length; j++)
            if (!position.TryAdd(varNames[j], j)) duplicated.Add(varNames[j]);
        var result = new int[requested.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] missing = requested.Where(v => !position.ContainsKey(v)).ToArray();
        if (missing.Length > 0)
            throw new DataFileException(file.Source, "var", null,
                $"{missing.Length} requested variable(s) are not in var_names: {string.Join(", ", missing.Take(10).Select(v => $"'{v}'"))}{(missing.Length > 10 ? ", ..." : "")} " +
                $"(var_names has {varNames.Length} names, e.g. {string.Join(", ", varNames.Take(5).Select(v => $"'{v}'"))}).");
        for (int k = 0; k < requested.Count; k++)
        {
            string name = requested[k];
            if (!seen.Add(name)) throw new ArgumentException($"Variable '{name}' is requested twice in AnnDataReadOptions.Variables.");
            if (duplicated.Contains(name))
                throw new DataFileException(file.Source, "var", null, $"variable '{name}' occurs more than once in var_names, so the request is ambiguous; make var_names unique (adata.var_names_make_unique()).");
            result[k] = position[name];
        }
        return result;
    }

    /// <summary>The selected cells as strictly increasing file positions.</summary>
    public static int[] Rows(H5adFile file, int obsCount, IReadOnlyList<int>? rows, AnnDataRowFilter? filter)
    {
        var keep = new bool[obsCount];
        if (rows is null) Array.Fill(keep, true);
        else
            foreach (int r in rows)
            {
                if (r < 0 || r >= obsCount)
                    throw new ArgumentOutOfRangeException(nameof(rows), $"AnnDataReadOptions.Rows contains {r}; the file has {obsCount} cells (0..{obsCount - 1}).");
                keep[r] = true;
            }
        if (filter is not null)
        {
            AnnDataObsColumn column = H5adFrameReader.Column(file, "obs", filter.Column, obsCount);
            for (int i = 0; i < obsCount; i++)
                if (keep[i] && !(column.FormatValue(i) is string value && filter.Values.Contains(value)))
                    keep[i] = false;
        }
        return Enumerable.Range(0, obsCount).Where(i => keep[i]).ToArray();
    }
}
