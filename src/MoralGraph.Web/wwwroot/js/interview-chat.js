// The interview's chat log (Components/Participation/InterviewStep.razor). The log is a box capped in height, so
// without help its newest message, the interviewer's latest question, falls below the box's fold on a phone after the
// first answer. Scrolling the box itself (not scrollIntoView) keeps the page where the participant put it.
export function showNewest(log) {
  if (log) {
    log.scrollTop = log.scrollHeight;
  }
}

// Puts the focus back in the answer box inside `container` once a reply has come. The box is disabled while the reply
// comes, and a disabled box cannot take the focus. This call can reach the page before the render that enables the box
// (Blazor Server holds render batches back until the page acknowledges earlier ones; interop calls are not held), so
// it waits for the box to be enabled, for ten seconds at most.
export function focusAnswer(container) {
  const giveUpAt = Date.now() + 10_000;
  const tryFocus = () => {
    const answer = container?.querySelector('textarea, input');
    if (answer && !answer.disabled) {
      answer.focus();
    } else if (Date.now() < giveUpAt) {
      setTimeout(tryFocus, 50);
    }
  };
  tryFocus();
}
