namespace MoralGraph.LoadTesting.Browsers;

/// <summary>
/// The scripts the browsers run in the participant's page, through the hooks its components expose (<c>data-testid</c>,
/// <c>data-role</c>): which step is on screen, and the timing of an acknowledgement, measured in the page itself.
/// </summary>
internal static class PageScripts
{
    /// <summary>The step on screen: consent, question, interview, card, vote, tallies, survey, done, or unknown while it loads.</summary>
    public const string CurrentStep = """
        () => {
          const has = selector => document.querySelector(selector) !== null;
          if (has('[data-testid=thank-you]')) return 'done';
          if (has('[data-testid=survey-submit]')) return 'survey';
          if (has('[data-testid=vote-tallies]')) return 'tallies';
          if (has('[data-testid=vote-submit]')) return 'vote';
          if (has('[data-testid=card-confirm]')) return 'card';
          if (has('[data-testid=interview-input]')) return 'interview';
          if (has('[data-testid^=choose-]')) return 'question';
          if (has('[data-testid=consent-checkbox]')) return 'consent';
          return 'unknown';
        }
        """;

    /// <summary>
    /// Clicks <c>click</c> and resolves with the milliseconds until the page shows the acknowledgement named by
    /// <c>until</c>: <c>tallies</c> (a vote), <c>reply</c> (one more stored interviewer message than <c>count</c>),
    /// <c>card</c> (the card editor after the last answer), <c>voting</c> (the first item or the survey after the card),
    /// <c>done</c> (the thank-you after the survey). The stamp is taken in the same script as the click, and a
    /// MutationObserver catches the first render batch that shows the result: the time a person waits, before paint.
    /// </summary>
    public const string ClickAndTime = """
        async ({ click, until, count }) => {
          const replies = () => document.querySelectorAll('[data-testid=transcript] [data-role=Interviewer]:not([data-testid=streaming])').length;
          const has = selector => document.querySelector(selector) !== null;
          const shown = () => {
            switch (until) {
              case 'tallies': return has('[data-testid=vote-tallies]');
              case 'reply': return replies() > count && !has('[data-testid=streaming]');
              case 'card': return has('[data-testid=card-confirm]');
              case 'voting': return has('[data-testid=vote-submit],[data-testid=survey-submit],[data-testid=thank-you]');
              case 'done': return has('[data-testid=thank-you]');
              default: throw new Error('unknown acknowledgement ' + until);
            }
          };
          const target = document.querySelector(click);
          if (target === null) throw new Error('nothing to click at ' + click);
          const started = performance.now();
          target.click();
          if (shown()) return performance.now() - started;
          return await new Promise((resolve, reject) => {
            const observer = new MutationObserver(() => {
              if (shown()) { clearTimeout(timer); observer.disconnect(); resolve(performance.now() - started); }
            });
            const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no acknowledgement (' + until + ') within 30 s')); }, 30000);
            observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
          });
        }
        """;

    /// <summary>The number of stored interviewer messages.</summary>
    public const string StoredReplies = "() => document.querySelectorAll('[data-testid=transcript] [data-role=Interviewer]:not([data-testid=streaming])').length";

    /// <summary>
    /// True once the circuit is interactive: the app prerenders, so a page shows before its circuit is up, and Blazor
    /// marks an element with <c>_blazorEvents_N</c> only when a live render batch attached its handlers.
    /// </summary>
    public const string IsInteractive = """
        () => window.Blazor !== undefined
            && [...document.querySelectorAll('body *')].some(element => Object.keys(element).some(key => key.startsWith('_blazorEvents_')))
        """;
}
