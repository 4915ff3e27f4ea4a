"""A tiny sentiment API: a word-list scorer, so it runs without downloading a model."""

import re

from fastapi import FastAPI
from pydantic import BaseModel, Field

POSITIVE = {
    "good", "great", "excellent", "love", "loved", "like", "nice", "happy", "fast",
    "amazing", "wonderful", "best", "fantastic", "helpful", "easy", "pleasant", "awesome",
}
NEGATIVE = {
    "bad", "terrible", "awful", "hate", "hated", "slow", "poor", "worst", "broken",
    "sad", "angry", "useless", "hard", "horrible", "buggy", "annoying", "disappointing",
}
NEGATIONS = {"not", "no", "never", "don't", "isn't", "wasn't", "can't", "won't"}
WORD = re.compile(r"[a-z']+")

app = FastAPI(title="sentiment-api", version="1.0.0")


class PredictRequest(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class PredictResponse(BaseModel):
    label: str
    score: float
    positive: int
    negative: int


def score(text: str) -> PredictResponse:
    """Counts positive and negative words; a negation flips the word right after it."""
    positive = negative = 0
    flip = False
    for word in WORD.findall(text.lower()):
        if word in NEGATIONS:
            flip = True
            continue
        is_pos, is_neg = word in POSITIVE, word in NEGATIVE
        if flip:
            is_pos, is_neg = is_neg, is_pos
        positive += is_pos
        negative += is_neg
        flip = False
    total = positive + negative
    value = 0.0 if total == 0 else (positive - negative) / total
    label = "positive" if value > 0.1 else "negative" if value < -0.1 else "neutral"
    return PredictResponse(label=label, score=round(value, 3), positive=positive, negative=negative)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/predict", response_model=PredictResponse)
def predict(req: PredictRequest) -> PredictResponse:
    return score(req.text)
