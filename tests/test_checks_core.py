"""The exercise self-checks tell right, wrong and not attempted apart."""

from kube_lab.checks import Question, Wrong


def sum_question() -> Question:
    def checker(answer):
        if answer != 4:
            raise Wrong("count the replicas on both nodes")
        return "two nodes, two replicas each."

    return Question(name="q1", checker=checker, hint="add them up", solution="answer = 4")


def test_right_answer_is_confirmed():
    result = sum_question().check(4)
    assert result.correct and str(result) == "Correct: two nodes, two replicas each."


def test_wrong_answer_gets_a_hint_at_the_idea():
    result = sum_question().check(3)
    assert not result.correct
    assert str(result) == (
        "Not yet: count the replicas on both nodes (Need a nudge? Run q1.hint().)"
    )


def test_blank_answer_is_not_attempted():
    assert sum_question().check(...).status == "not attempted"
    assert sum_question().check().status == "not attempted"


def test_hint_and_solution_are_there_on_request():
    assert str(sum_question().hint()) == "Hint: add them up"
    assert str(sum_question().solution()) == "Solution: answer = 4"
    assert "<b" in sum_question().check(4)._repr_html_()
