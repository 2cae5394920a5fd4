using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.MLNet.Data;

/// <summary>The DataFrame example of docs/mlnet.md: fit from a DataFrame, predictions back into one.</summary>
public class DataFrameDocsExampleTests
{
    [Test]
    public void FitFromDataFrame_AndPredictionsBackIntoADataFrame()
    {
        List<TinyLinearScm.Cell> rows = TinyLinearScm.Cells(cellsPerContext: 60);
        var frame = new DataFrame(
            new StringDataFrameColumn("Context", rows.Select(r => r.Context)),
            new StringDataFrameColumn("Reagent", rows.Select(r => r.Reagent)),
            new SingleDataFrameColumn("Dose", rows.Select(r => r.Dose)),
            new BooleanDataFrameColumn("IsControl", rows.Select(r => r.IsControl)));
        for (int j = 0; j < TinyLinearScm.Variables; j++)
            frame.Columns.Add(new SingleDataFrameColumn(TinyLinearScm.VariableNames[j], rows.Select(r => r.Measurements[j])));

        // docs: dataframe
        // frame: one row per cell; numeric columns g0..g4 (measurements), Reagent, Dose, Context, IsControl.
        var mlContext = new MLContext(seed: 1);
        string[] genes = { "g0", "g1", "g2", "g3", "g4" };
        var pipeline = mlContext.Transforms.Concatenate("Measurements", genes)      // slot names = gene names
            .Append(mlContext.Transforms.Categorical.OneHotEncoding("ReagentOneHot", "Reagent"))
            .Append(mlContext.Transforms.Concatenate("Features", "ReagentOneHot", "Dose"))
            .Append(mlContext.Perturbation().Trainers.Gim(new GimOptions { MaxSteps = 200 }));

        var model = pipeline.Fit(frame);                                          // a DataFrame is an IDataView
        GimTransformer gim = model.LastTransformer;
        DataFrame predictions = model.Transform(frame)
            .ToPredictionDataFrame(gim.VariableNames, "Context", "PredictedMean", "Sample");
        // columns: Context, PredictedMean.g0 ... PredictedMean.g4, Sample.g0 ... Sample.g4
        // docs: end

        Assert.That(gim.VariableNames, Is.EqualTo(genes), "variable names come from the measurements' slot names");
        Assert.That(predictions.Rows.Count, Is.EqualTo(rows.Count));
        Assert.That(predictions.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Context" }
            .Concat(genes.Select(g => "PredictedMean." + g)).Concat(genes.Select(g => "Sample." + g))));
        int first = rows.FindIndex(r => r.Context == "r1@2");
        Assert.That(predictions["Context"][first], Is.EqualTo("r1@2"));
        float[] expected = gim.Model.PredictMean(Features(model.Transform(frame), first));
        Assert.That((float)predictions["PredictedMean.g1"][first]!, Is.EqualTo(expected[1]).Within(1e-4).Percent);
        gim.Dispose();
    }

    private static float[] Features(IDataView data, int row) => data.GetColumn<float[]>("Features").ElementAt(row);
}
