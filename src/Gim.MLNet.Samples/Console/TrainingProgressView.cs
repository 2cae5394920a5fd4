using Gim.MLNet.Causal;
using Spectre.Console;

namespace Gim.MLNet.Samples.Console;

/// <summary>
/// Shows GIM training progress: a live bar in a terminal, plain lines when output is redirected
/// (CI logs stay readable, and nothing is redrawn into a file).
/// </summary>
internal static class TrainingProgressView
{
    public static T Run<T>(string title, int maxSteps, Func<IProgress<GimTrainingProgress>, T> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.WriteLine($"{title}: {maxSteps} steps");
            return train(new LineProgress(title));
        }
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(title, maxValue: maxSteps);
                result = train(new BarProgress(task, title));
                task.Value = task.MaxValue;
            });
        return result;
    }

    private sealed class BarProgress(ProgressTask task, string title) : IProgress<GimTrainingProgress>
    {
        public void Report(GimTrainingProgress value)
        {
            task.Value = value.Step;
            task.Description = $"{title} (loss {value.Loss:F3})";
        }
    }

    private sealed class LineProgress(string title) : IProgress<GimTrainingProgress>
    {
        public void Report(GimTrainingProgress value) =>
            AnsiConsole.WriteLine($"  {title}: step {value.Step}/{value.MaxSteps}, loss {value.Loss:F4}, {value.Elapsed.TotalSeconds:F1} s");
    }
}
