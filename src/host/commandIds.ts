/** Every command the extension contributes; package.json mirrors this list (a unit test checks). */
export enum Command {
  ShowAttention = 'transformerTutor.showAttention',
  TogglePin = 'transformerTutor.togglePin',
  OpenQuestion = 'transformerTutor.openQuestion',
  ReloadQuestions = 'transformerTutor.reloadQuestions',
  ShowInPanel = 'transformerTutor.showInPanel',
  StartQuiz = 'transformerTutor.startQuiz',
  ReviewDue = 'transformerTutor.reviewDue',
  QuizQuestion = 'transformerTutor.quizQuestion',
  ExportProgress = 'transformerTutor.exportProgress',
  ImportProgress = 'transformerTutor.importProgress',
  ResetProgress = 'transformerTutor.resetProgress',
  QuizStatistics = 'transformerTutor.quizStatistics',
  FitSchedule = 'transformerTutor.fitSchedule',
  ShowLog = 'transformerTutor.showLog',
}
