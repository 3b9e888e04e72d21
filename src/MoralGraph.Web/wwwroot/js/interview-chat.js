// The interview's chat log (Components/Participation/InterviewStep.razor). The log is a box capped in height, so
// without help its newest message, the interviewer's latest question, falls below the box's fold on a phone after the
// first answer. Scrolling the box itself (not scrollIntoView) keeps the page where the participant put it.
export function showNewest(log) {
  if (log) {
    log.scrollTop = log.scrollHeight;
  }
}
