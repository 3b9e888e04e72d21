using Polly;

namespace MoralGraph.LanguageModels.Calls;

/// <summary>
/// Which exceptions from a model call mean "this one call failed" — the server answered an error (500, 429 …), could not
/// be reached, timed out, or the resilience handler gave up — so a job loses only the group, pair or transcript that call
/// was for and carries on with the rest. Everything else (a bug, a spent budget, cancellation) still ends the job.
/// </summary>
public static class ModelCallFailure
{
    /// <summary>True when <paramref name="exception"/> is one failed call rather than a reason to stop the job.</summary>
    public static bool IsCallFailure(Exception exception) =>
        exception is TimeoutException or HttpRequestException or ExecutionRejectedException;

    /// <summary>What went wrong, for a facilitator's outcome line: "the model server answered 500", never the server's text.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => $"the model server answered {(int)status}",
        HttpRequestException => "the model server could not be reached",
        TimeoutException or Polly.Timeout.TimeoutRejectedException => "the model did not answer in time",
        ExecutionRejectedException => "the model server is failing, so calls to it are paused",
        _ => "the model call failed",
    };
}
