/**
 * Says plainly when the page's Content-Security-Policy refuses the Hub host, before a load
 * fails with a bare "Failed to fetch". For the Hub host setting and the model picker.
 */
import { useEffect, useState } from 'react';
import { connectRefusal } from '../../state/connectPolicy';

export function HubHostPolicyNote({ hubUrl }: { hubUrl: string }) {
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setRefusal(null);
    connectRefusal(hubUrl).then(
      (text) => {
        if (current) setRefusal(text);
      },
      () => undefined, // not a URL: the field says so itself
    );
    return () => {
      current = false;
    };
  }, [hubUrl]);
  return refusal ? (
    <p className="error" role="alert" data-testid="hub.policy">
      {refusal}
    </p>
  ) : null;
}
