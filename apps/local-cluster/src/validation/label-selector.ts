import { labelKeyErrors, labelValueErrors } from '@cite/model';
import { asArray, asObject, isJsonObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import { validateLabels } from './object-meta';

/**
 * apimachinery's ValidateLabelSelector: matchLabels as labels, and each matchExpression's key, operator and
 * values (In/NotIn need values, Exists/DoesNotExist take none). `undefined` and `null` (no selector) pass.
 */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (selector === undefined || selector === null) return [];
  if (!isJsonObject(selector)) return [fieldError.invalid(path, selector, 'must be an object')];
  const errors = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  asArray(selector.matchExpressions).forEach((raw, index) => {
    const at = `${path}.matchExpressions[${index}]`;
    const expression = asObject(raw);
    const { key, operator } = expression;
    const values = asArray(expression.values);
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0)
        errors.push(
          fieldError.required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
        );
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0)
        errors.push(
          fieldError.forbidden(
            `${at}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
    } else errors.push(fieldError.invalid(`${at}.operator`, operator, 'not a valid selector operator'));
    if (typeof key !== 'string') errors.push(fieldError.required(`${at}.key`));
    else
      for (const message of labelKeyErrors(key)) errors.push(fieldError.invalid(`${at}.key`, key, message));
    values.forEach((value, valueIndex) => {
      for (const message of labelValueErrors(String(value)))
        errors.push(fieldError.invalid(`${at}.values[${valueIndex}]`, value, message));
    });
  });
  return errors;
}
