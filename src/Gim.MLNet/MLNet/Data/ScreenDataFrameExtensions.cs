using System.Globalization;
using Gim.MLNet.Data;
using Microsoft.Data.Analysis;

namespace Gim.MLNet;

/// <summary>A one-row-per-cell <see cref="DataFrame"/> read with a <see cref="ScreenDesign"/>, as the CSV and AnnData readers do.</summary>
public static class ScreenDataFrameExtensions
{
    /// <summary>
    /// Groups the rows into contexts by the columns of <paramref name="design"/> (perturbation, dose, covariates), with the
    /// features it makes (descriptors, dose, covariate levels, feature columns); measurements are
    /// <paramref name="measurementColumns"/>, numeric and without missing values. Text and numeric columns both serve
    /// as perturbation and covariate columns; a text dose column is parsed on the rows that need a dose.
    /// </summary>
    /// <param name="frame">One row per cell.</param>
    /// <param name="design">Which columns say what.</param>
    /// <param name="measurementColumns">The measured variables' columns, in order.</param>
    /// <param name="sourceName">How messages name the frame.</param>
    public static PerturbationDataset ToPerturbationDataset(this DataFrame frame, ScreenDesign design, IReadOnlyList<string> measurementColumns,
        string sourceName = "DataFrame")
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(measurementColumns);
        if (measurementColumns.Count == 0) throw new ArgumentException("Name the measured variables' columns.", nameof(measurementColumns));
        int n = checked((int)frame.Rows.Count);
        DataFrameColumn Find(string name) => frame.Columns.IndexOf(name) is int k and >= 0 ? frame.Columns[k]
            : throw new DataFileException(sourceName, name, null, $"has no column '{name}'; the columns are: {string.Join(", ", frame.Columns.Select(c => c.Name).Take(30))}.");
        var measurements = new float[n, measurementColumns.Count];
        for (int j = 0; j < measurementColumns.Count; j++)
        {
            DataFrameColumn column = Find(measurementColumns[j]);
            for (int i = 0; i < n; i++)
                measurements[i, j] = column[i] is { } value && IsNumber(value) && Convert.ToDouble(value, CultureInfo.InvariantCulture) is var x && double.IsFinite(x)
                    ? (float)x
                    : throw new DataFileException(sourceName, column.Name, null, $"row {i} has '{column[i] ?? "(missing)"}'; measurements must be finite numbers.");
        }
        Func<int, string?> Text(string name)
        {
            DataFrameColumn column = Find(name);
            return i => column[i] switch
            {
                null => null,
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString(),
            };
        }
        Func<int, double>? Number(string name)
        {
            DataFrameColumn column = Find(name);
            return i => column[i] switch
            {
                null => double.NaN,
                string text => ScreenRows.ParseNumber(text),
                var value when IsNumber(value) => Convert.ToDouble(value, CultureInfo.InvariantCulture),
                _ => double.NaN,
            };
        }
        var rows = new ScreenRows(sourceName, n, i => $"row {i}", name => name, Text, Number, measurements, measurementColumns);
        return rows.ToDataset(design);
    }

    private static bool IsNumber(object value) => value is float or double or int or long or short or byte or sbyte or uint or ulong or ushort or decimal;
}
