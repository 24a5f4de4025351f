// A small client of the eID guide API, as an integrator would write it: typed from the served
// OpenAPI document by openapi-typescript, calling with openapi-fetch. tests/test_openapi_clients.py
// type-checks it with tsc under --strict: a field the API always sends must not be optional.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type StatusAnswer = components["schemas"]["StatusAnswer"];
type StatusNow = components["schemas"]["StatusNow"];
type ApiError = components["schemas"]["Error"];

export function eidGuide(baseUrl: string) {
  return createClient<paths>({ baseUrl });
}

export async function statusOn(baseUrl: string, date: string): Promise<string> {
  const { data, error } = await eidGuide(baseUrl).GET("/api/v1/status", {
    params: { query: { date, lang: "en" } },
  });
  if (error) {
    return describe(error);
  }
  const answer: StatusAnswer = data;
  const next = answer.next_milestone ? answer.next_milestone.date : "nothing ahead";
  const since = answer.nemid.since ?? "never";
  const ways = answer.enrollment_options.map((option) => option.requirements.join(" + "));
  return `${answer.nemid.status} since ${since}; ${answer.actions.length} actions; next: ${next}; ${ways.join(", ")}${actNow(answer)}`;
}

// For a past date the API adds what applies today (now); for today and later it is null, and
// the answer's own actions and ways are the ones to act on.
function actNow(answer: StatusAnswer): string {
  const now: StatusNow | null = answer.now;
  if (!answer.is_past || now === null) {
    return "";
  }
  const ways = now.enrollment_options.map((option) => option.name).join(", ");
  return `; today (${now.date}): ${now.nemid.status}, ${now.actions.join(" ")} Ways: ${ways}`;
}

export async function milestoneTitles(baseUrl: string): Promise<string[]> {
  const { data, error } = await eidGuide(baseUrl).GET("/api/v1/milestones", {
    params: { query: { audience: "business" } },
  });
  if (error) {
    throw new Error(describe(error));
  }
  return data.milestones.map((milestone) => `${milestone.date} ${milestone.status}: ${milestone.title}`);
}

function describe(error: ApiError): string {
  const fields = Object.keys(error.errors).join(", ");
  return `${error.status} ${error.field ?? "(no field)"}: ${error.error} [${fields}]`;
}
